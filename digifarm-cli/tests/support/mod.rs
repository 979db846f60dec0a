pub mod forge_server;
pub mod run;
