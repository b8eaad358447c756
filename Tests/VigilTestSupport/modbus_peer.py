#!/usr/bin/python3
"""A real Modbus peer for Vigil tests, served by pymodbus 3.0 (Debian's python3-pymodbus).

Run it with /usr/bin/python3: pymodbus is importable only by Debian's interpreter.

    modbus_peer.py --tcp 127.0.0.1:1502 --image image.json [--delay-unit 3:1500 ...]
    modbus_peer.py --rtu /dev/pts/7 --baud 19200 --parity N --stopbits 1 --bytesize 8 --image image.json

The image is JSON: {"units": {"1": {"input": {"0": 32460, "1": 12}, "holding": {"0": 5}}, "2": {...}}}
with 0-based protocol addresses and values 0..65535.

Behaviour:
- Only the units listed in the image answer. A request to any other unit is dropped without a reply
  (the client times out), on TCP and RTU alike. Unit 0 (broadcast) and 255 must not be listed: pymodbus's
  framers accept every unit id once 0 or 255 is among the known units.
- Reading an address a unit does not list answers Modbus exception 2 (illegal data address). Coils and
  discrete inputs are empty, so FC1/FC2 answer exception 2 too. Writes (FC6/FC16) to listed holding
  registers are accepted and change the running image (until the next reload); to other addresses, exception 2.
- --delay-unit U:MS delays every reply of unit U by MS milliseconds; other units keep answering meanwhile.
- On a pty (a socat SerialPair) the requested parity is not applied: it has no effect there, and applying
  it can fail with EINVAL.
- Prints READY on stdout once listening (TCP) or once the serial device is open (RTU); logs on stderr.
- SIGHUP reloads the image file (prints RELOADED on stdout); SIGTERM/SIGINT stop the peer with status 0.
- Exit status 1: bad arguments/image, port taken or device not openable; 3: the serial device went away.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext, ModbusSparseDataBlock
from pymodbus.server.async_io import (
    ModbusConnectedRequestHandler,
    ModbusSerialServer,
    ModbusSingleRequestHandler,
    ModbusTcpServer,
)
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

LOG = logging.getLogger("modbus_peer")

# unit id -> reply delay in seconds; filled from --delay-unit before the server starts.
DELAYS = {}
# Set once the event loop runs; setting it stops the peer.
STOP = None


class _DelayedReplies:
    """Mixin for pymodbus request handlers: answers requests to slow units later.

    pymodbus 3.0 decodes, executes and answers a request synchronously inside `execute`; scheduling the
    original `execute` with `call_later` delays the reply without blocking other units or connections.
    """

    def execute(self, request, *addr):
        delay = DELAYS.get(request.unit_id, 0)
        if delay <= 0:
            super().execute(request, *addr)
            return
        LOG.info("delaying reply of unit %d by %d ms", request.unit_id, int(delay * 1000))
        asyncio.get_running_loop().call_later(delay, self._late_execute, request, addr)

    def _late_execute(self, request, addr):
        if not self.running:
            LOG.info("dropping late reply of unit %d: connection gone", request.unit_id)
            return
        try:
            super().execute(request, *addr)
        except Exception as exc:  # pylint: disable=broad-except
            LOG.warning("late reply of unit %d failed: %s", request.unit_id, exc)


class TcpHandler(_DelayedReplies, ModbusConnectedRequestHandler):
    """A TCP connection with delayed replies for slow units."""


class SerialHandler(_DelayedReplies, ModbusSingleRequestHandler):
    """A serial line with delayed replies for slow units.

    When the device goes away (socat stopped, pty closed) pymodbus would idle forever; the peer exits
    instead, with status 3, so a test sees it.
    """

    def connection_lost(self, call_exc):
        super().connection_lost(call_exc)
        if STOP is not None and not STOP.is_set():
            LOG.error("serial device lost: %s", call_exc)
            STOP.lost = True
            STOP.set()


def register_map(raw, unit, kind):
    """Turn {"0": 5, ...} into {0: 5, ...}, checking addresses and values."""
    result = {}
    for key, value in (raw or {}).items():
        address, value = int(key), int(value)
        if not 0 <= address <= 0xFFFF:
            raise ValueError(f"unit {unit} {kind}: address {address} out of 0..65535")
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"unit {unit} {kind}[{address}]: value {value} out of 0..65535")
        result[address] = value
    return result


def load_context(path):
    """Build a multi-unit server context holding exactly the units listed in the image."""
    with open(path, encoding="utf-8") as file:
        image = json.load(file)
    slaves = {}
    for key, registers in image.get("units", {}).items():
        unit = int(key)
        if not 1 <= unit <= 247:
            raise ValueError(f"unit {unit} out of 1..247 (0 and 255 would make every unit id answer)")
        slaves[unit] = ModbusSlaveContext(
            di=ModbusSparseDataBlock(),
            co=ModbusSparseDataBlock(),
            ir=ModbusSparseDataBlock(register_map(registers.get("input"), unit, "input")),
            hr=ModbusSparseDataBlock(register_map(registers.get("holding"), unit, "holding")),
            zero_mode=True,  # the image's addresses are protocol addresses, no +1 shift
        )
    # single=False: the framer drops frames for units that are not in the context, without any reply.
    return ModbusServerContext(slaves=slaves, single=False)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    transport = parser.add_mutually_exclusive_group(required=True)
    transport.add_argument("--tcp", metavar="HOST:PORT")
    transport.add_argument("--rtu", metavar="DEVICE")
    parser.add_argument("--baud", type=int, default=19200)
    parser.add_argument("--parity", choices=["N", "E", "O"], default="N")
    parser.add_argument("--stopbits", type=int, choices=[1, 2], default=1)
    parser.add_argument("--bytesize", type=int, choices=[7, 8], default=8)
    parser.add_argument("--image", required=True, metavar="FILE")
    parser.add_argument("--delay-unit", action="append", default=[], metavar="U:MS")
    parser.add_argument("--debug", action="store_true", help="log pymodbus frames")
    return parser.parse_args()


async def serve(arguments):
    loop = asyncio.get_running_loop()
    context = load_context(arguments.image)
    common = {"ignore_missing_slaves": True, "broadcast_enable": False}

    if arguments.tcp:
        host, _, port = arguments.tcp.rpartition(":")
        server = ModbusTcpServer(
            context,
            framer=ModbusSocketFramer,
            address=(host, int(port)),
            handler=TcpHandler,
            allow_reuse_address=True,  # a restarted peer binds the same port despite TIME_WAIT
            **common,
        )
        serving = loop.create_task(server.serve_forever())
        # serve_forever fails before `serving` resolves when the port is taken.
        await asyncio.wait({serving, server.serving}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():
            serving.result()  # raises the bind error
            raise RuntimeError("TCP server stopped during start-up")
        where = f"tcp {host}:{port}"
    else:
        parity = arguments.parity
        if parity != "N" and os.path.realpath(arguments.rtu).startswith("/dev/pts/"):
            # Parity means nothing on a pty, and some kernels reject re-applying termios with PARENB on a pty
            # (EINVAL), which pyserial-asyncio does right after opening. Open the pty without parity.
            LOG.info("%s is a pty: parity %s ignored", arguments.rtu, parity)
            parity = "N"
        server = ModbusSerialServer(
            context,
            framer=ModbusRtuFramer,
            port=arguments.rtu,
            baudrate=arguments.baud,
            parity=parity,
            stopbits=arguments.stopbits,
            bytesize=arguments.bytesize,
            handler=SerialHandler,
            **common,
        )
        await server.start()  # opens the device; raises SerialException if it cannot
        if server.transport is None:
            raise RuntimeError(f"could not open {arguments.rtu}")
        serving = None
        where = f"rtu {arguments.rtu} {arguments.baud} {arguments.bytesize}{arguments.parity}{arguments.stopbits}"

    global STOP  # pylint: disable=global-statement
    stop = STOP = asyncio.Event()
    stop.lost = False
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)

    def reload():
        try:
            # Request handlers look up `server.context` for every frame, so swapping it is enough.
            server.context = load_context(arguments.image)
        except Exception as exc:  # pylint: disable=broad-except
            LOG.error("reload of %s failed, keeping the old image: %s", arguments.image, exc)
            print(f"RELOAD FAILED {exc}", flush=True)
            return
        LOG.info("reloaded %s: units %s", arguments.image, sorted(server.context.slaves()))
        print("RELOADED", flush=True)

    loop.add_signal_handler(signal.SIGHUP, reload)

    delays = ", ".join(f"unit {unit} +{int(delay * 1000)} ms" for unit, delay in sorted(DELAYS.items()))
    LOG.info("serving %s, units %s%s", where, sorted(context.slaves()), f", delays: {delays}" if delays else "")
    print("READY", flush=True)

    await stop.wait()
    LOG.info("stopping")
    if arguments.tcp:
        for handler in list(server.active_connections.values()):
            handler.transport.close()
    await server.shutdown()
    if serving is not None:
        serving.cancel()
    return 3 if stop.lost else 0


def main():
    arguments = parse_arguments()
    # pymodbus 3.0 calls logging.basicConfig(level=WARNING) when imported; force our own configuration.
    logging.basicConfig(
        force=True,
        stream=sys.stderr,
        level=logging.DEBUG if arguments.debug else logging.INFO,
        format="%(asctime)s modbus_peer[%(process)d] %(levelname)s %(name)s: %(message)s",
    )
    if not arguments.debug:
        # pymodbus 3.0 logs every client disconnect ("Handler for stream [...] has been canceled") as an error.
        for handler in logging.getLogger().handlers:
            handler.addFilter(lambda record: "has been cancel" not in record.getMessage())
    for item in arguments.delay_unit:
        unit, _, milliseconds = item.partition(":")
        DELAYS[int(unit)] = int(milliseconds) / 1000.0
    try:
        return asyncio.run(serve(arguments))
    except Exception as exc:  # pylint: disable=broad-except
        LOG.error("%s: %s", type(exc).__name__, exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
