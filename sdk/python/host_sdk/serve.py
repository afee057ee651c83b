"""Serves the module's Module service on $HOST_MODULE_SOCKET for the runtime that started this
process, and sends Python's logging for the call in progress to the runtime."""

import json
import logging
import os
import platform
import sys
import threading
import time
from concurrent import futures

import grpc
import google.protobuf

from ._proto import CHANNEL_OPTIONS, module, module_service_handler, wire
from . import client
from . import module as declare
from . import values


class _EngineLogHandler(logging.Handler):
    """Sends log records made during a call to the runtime, attributed to the call."""

    def emit(self, record):
        try:
            level = 3 if record.levelno >= logging.ERROR else 2 if \
                record.levelno >= logging.WARNING else 1 if record.levelno >= logging.INFO else 0
            client.send_log(level, self.format(record))
        except Exception:  # a log line must never fail the function
            self.handleError(record)


def _message(error):
    text = str(error)
    return text if text else type(error).__name__


def _manifest(folder):
    """module.json of the module's folder, as a dict."""
    path = os.path.join(folder, "module.json")
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as error:
        raise SystemExit(f"host_sdk: cannot read {path}: {error}")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise SystemExit(f"host_sdk: {path} has no module name")
    return doc


def serve(name=None, version=None, description=None):
    """Serves this module until the runtime stops it. name, version and description default to
    module.json's in the working folder (the module's folder, where the runtime starts it)."""
    module_socket = os.environ.get("HOST_MODULE_SOCKET")
    engine_socket = os.environ.get("HOST_ENGINE_SOCKET")
    if not module_socket or not engine_socket:
        sys.stderr.write("host_sdk: HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET are not set: this "
                         "program is a host module, which host starts itself; run it with "
                         "host -m FOLDER call ...\n")
        sys.exit(2)
    if name is None or version is None or description is None:
        doc = _manifest(os.getcwd())
        name = doc["name"] if name is None else name
        version = str(doc.get("version", "")) if version is None else version
        description = str(doc.get("description", "")) if description is None else description
    # A module declared wrongly still serves: Describe answers why, and the host reports it.
    schema, problem = None, None
    try:
        schema = declare.Schema(name, version, description)
        described = schema.definition.SerializeToString()
    except (TypeError, ValueError) as error:
        problem = f"module '{name}' is declared wrongly: {error}"
    if schema is not None:
        values.ObjectCodec.to_wire = schema.to_wire
        values.ObjectCodec.from_wire = schema.from_wire
    build_info = (f"python {platform.python_version()} ({sys.executable}), grpcio "
                  f"{grpc.__version__}, protobuf {google.protobuf.__version__}")

    def describe(request, context):
        if problem:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, problem)
        return module.DescribeModuleResponse(module=described, build_info=build_info)

    def invoke(request, context):
        try:
            call = wire.Call.FromString(request.call)
        except Exception as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"not a host.v1.Call: {error}")
        mark = client.enter(request.context, name)
        try:
            return module.InvokeResponse(value=schema.invoke(call).SerializeToString())
        except client.UsageError as error:
            return module.InvokeResponse(
                error=wire.Error(message=_message(error)).SerializeToString(),
                invalid_argument=True)
        except Exception as error:
            return module.InvokeResponse(
                error=wire.Error(message=_message(error)).SerializeToString())
        finally:
            client.leave(mark)

    root = logging.getLogger()
    handler = _EngineLogHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    if root.level == logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)

    workers = int(os.environ.get("HOST_PYTHON_WORKERS", "32"))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max(1, workers)),
                         options=CHANNEL_OPTIONS)
    server.add_generic_rpc_handlers((module_service_handler(describe, invoke),))
    if server.add_insecure_port(module_socket) == 0:
        sys.stderr.write(f"{name}: cannot serve on {module_socket}\n")
        sys.exit(1)
    server.start()
    # The runtime ends this process with SIGTERM; should the runtime itself die first, this
    # process is handed to another parent, and stops too.
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)
