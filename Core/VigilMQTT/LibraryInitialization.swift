internal import CMosquitto

/// `mosquitto_lib_init` must run once per process before any handle exists; a global `let` is initialised
/// lazily and exactly once (swift_once), which is what we need without a lock of our own.
/// `mosquitto_lib_cleanup` is never called: clients may live until the process exits.
let mosquittoLibraryInitialized: Bool = mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue
