pub mod forge_server;
