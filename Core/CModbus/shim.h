#ifndef VIGIL_CMODBUS_SHIM_H
#define VIGIL_CMODBUS_SHIM_H
#include <modbus.h>

/// libmodbus reports Modbus exceptions and framing faults as errno values above this base;
/// the macros built on it are expressions Swift cannot import.
static inline int vigil_modbus_errno_base(void) { return MODBUS_ENOBASE; }
static inline int vigil_modbus_bad_crc(void) { return EMBBADCRC; }
static inline int vigil_modbus_bad_data(void) { return EMBBADDATA; }
static inline int vigil_modbus_bad_slave(void) { return EMBBADSLAVE; }
static inline int vigil_modbus_bad_exception(void) { return EMBBADEXC; }
static inline int vigil_modbus_unknown_exception(void) { return EMBUNKEXC; }
static inline int vigil_modbus_too_much_data(void) { return EMBMDATA; }
#endif
