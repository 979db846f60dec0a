//! Host-side bindings of the WIT package `digifarm:plugin@0.1.0`, generated from its frozen
//! folder `plugins/wit/since_v0.1.0/`, one module per world; the record types and the host
//! interface are generated once and shared.

#![allow(missing_docs, clippy::all)]

pub(crate) mod validator {
    wasmtime::component::bindgen!({
        path: "../wit/since_v0.1.0",
        world: "validator",
    });
}

pub(crate) mod scorer {
    wasmtime::component::bindgen!({
        path: "../wit/since_v0.1.0",
        world: "scorer",
        with: {
            "digifarm:plugin/types": crate::bindings::validator::digifarm::plugin::types,
            "digifarm:plugin/host": crate::bindings::validator::digifarm::plugin::host,
        },
    });
}

pub(crate) mod exporter {
    wasmtime::component::bindgen!({
        path: "../wit/since_v0.1.0",
        world: "exporter",
        with: {
            "digifarm:plugin/types": crate::bindings::validator::digifarm::plugin::types,
            "digifarm:plugin/host": crate::bindings::validator::digifarm::plugin::host,
        },
    });
}

pub(crate) mod importer {
    wasmtime::component::bindgen!({
        path: "../wit/since_v0.1.0",
        world: "importer",
        with: {
            "digifarm:plugin/types": crate::bindings::validator::digifarm::plugin::types,
            "digifarm:plugin/host": crate::bindings::validator::digifarm::plugin::host,
        },
    });
}

pub use validator::digifarm::plugin::host;
pub use validator::digifarm::plugin::types;
