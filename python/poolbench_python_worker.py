"""The resident Python worker of poolbench's `python` workload.

poolbench starts one of these per executor series, with its standard input
and output connected to one socket, and exchanges lines with it:

    poolbench -> worker   {"function": …, "name": …, "executor": …, …}   (JSON, once)
    worker -> poolbench   ready <python version>
                          error <one line>
    poolbench -> worker   run <workers>
    worker -> poolbench   ok <item> <seconds>                      (each item, as it ends)
                          fail <item> <seconds> <kind> <message>
                          done <wall seconds> <user cpu> <system cpu>

The worker imports the user's module once, calls the optional setup once per
Python process, and then runs each requested run under the executor it was
started for: a ThreadPoolExecutor or a ProcessPoolExecutor made inside the
run (as the tutorials' `with` block does), or asyncio with a Semaphore.

It never outlives poolbench: a thread waits for poolbench's end of the socket
to close and then kills the worker's process group (which it leads), pool
processes included. Standard library only; Python 3.9 or newer.
"""

import asyncio
import concurrent.futures
import importlib.util
import inspect
import json
import os
import resource
import select
import signal
import sys
import threading
import time
import traceback

CHANNEL_IN = -1
CHANNEL_OUT = -1
FUNCTION = None
SETUP = None
SETUP_RESULT = None
HAS_SETUP = False
ITEMS = []
TIMEOUT = None
WRITE_LOCK = threading.Lock()


def one_line(text):
    """The first non-empty line of text, its control characters as spaces."""
    for line in str(text).splitlines():
        if line.strip():
            return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in line.strip())
    return ""


def send(line):
    data = (line + "\n").encode("utf-8", "replace")
    with WRITE_LOCK:
        while data:
            written = os.write(CHANNEL_OUT, data)
            data = data[written:]


def last_line(error):
    """`ValueError: bad value`: the last line Python prints for an exception."""
    lines = traceback.format_exception_only(type(error), error)
    return one_line(lines[-1]) if lines else type(error).__name__


def load_callable(path, name, module_name):
    """The callable `name` of the module at `path`; raises ValueError with
    the sentence poolbench shows when it cannot be had."""
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ValueError("cannot import %s as a Python module" % path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as error:
            del sys.modules[module_name]
            raise ValueError("importing %s failed: %s" % (path, last_line(error)))
    if not hasattr(module, name):
        raise ValueError("%s defines no %s; name a function defined there" % (path, name))
    value = getattr(module, name)
    if not callable(value):
        raise ValueError("%s in %s is a %s, not a function" % (name, path, type(value).__name__))
    return value


def call_setup():
    global SETUP_RESULT
    if SETUP is None:
        return
    try:
        result = SETUP()
        if inspect.isawaitable(result):
            result = LOOP.run_until_complete(result)
        SETUP_RESULT = result
    except BaseException as error:
        raise ValueError("the setup function raised %s" % last_line(error))


def arguments(index):
    return (ITEMS[index], SETUP_RESULT) if HAS_SETUP else (ITEMS[index],)


def failure(error):
    if isinstance(error, (TimeoutError, asyncio.TimeoutError, concurrent.futures.TimeoutError)):
        return ("timeout", one_line(error) or "the item took longer than the timeout")
    return (type(error).__name__, one_line(error) or type(error).__name__)


class Recorder:
    """Reports each item once, as it ends; a timed-out item's late end is dropped."""

    def __init__(self, count):
        self.finished = [False] * count
        self.lock = threading.Lock()

    def finish(self, index, seconds, problem=None):
        with self.lock:
            if self.finished[index]:
                return
            self.finished[index] = True
        if problem is None:
            send("ok %d %.9f" % (index, seconds))
        else:
            send("fail %d %.9f %s %s" % (index, seconds, problem[0].replace(" ", "_"), problem[1]))


def run_threads(workers, recorder):
    started = {}

    def item(index):
        start = time.perf_counter()
        started[index] = start
        try:
            FUNCTION(*arguments(index))
            recorder.finish(index, time.perf_counter() - start)
        except BaseException as error:
            recorder.finish(index, time.perf_counter() - start, failure(error))

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    futures = [pool.submit(item, index) for index in range(len(ITEMS))]
    if TIMEOUT is None:
        pool.shutdown(wait=True)
        return
    pending = set(futures)
    index_of = {future: index for index, future in enumerate(futures)}
    while pending:
        _, pending = concurrent.futures.wait(pending, timeout=min(TIMEOUT, 0.05))
        now = time.perf_counter()
        for future in list(pending):
            index = index_of[future]
            start = started.get(index)
            if start is not None and now - start > TIMEOUT:
                # A thread cannot be stopped: the item counts as timed out
                # and its thread is left to end on its own.
                recorder.finish(index, now - start, ("timeout", "took longer than %gs" % TIMEOUT))
                pending.discard(future)
    pool.shutdown(wait=False, cancel_futures=True)


def on_alarm(signum, frame):
    raise TimeoutError("took longer than %gs" % TIMEOUT)


def process_initializer():
    """Runs in each pool process: no hold on poolbench's socket, death with
    the worker, its own setup, and SIGALRM for the per-item timeout."""
    os.close(CHANNEL_IN)
    if CHANNEL_OUT != CHANNEL_IN:
        os.close(CHANNEL_OUT)
    die_with_parent()
    signal.signal(signal.SIGALRM, on_alarm)
    call_setup()


def process_item(index):
    start = time.perf_counter()
    if TIMEOUT is not None:
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        FUNCTION(*arguments(index))
        problem = None
    except BaseException as error:
        problem = failure(error)
    finally:
        if TIMEOUT is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, problem


def run_processes(workers, recorder):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    start = time.perf_counter()

    def ended(index):
        def callback(future):
            error = future.exception()
            if error is None:
                seconds, problem = future.result()
                recorder.finish(index, seconds, problem)
            else:
                recorder.finish(index, time.perf_counter() - start, failure(error))
        return callback

    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=process_initializer
    ) as pool:
        for index in range(len(ITEMS)):
            pool.submit(process_item, index).add_done_callback(ended(index))


def run_asyncio(workers, recorder):
    async def all_items():
        semaphore = asyncio.Semaphore(workers)

        async def item(index):
            async with semaphore:
                start = time.perf_counter()
                try:
                    await asyncio.wait_for(FUNCTION(*arguments(index)), TIMEOUT)
                    recorder.finish(index, time.perf_counter() - start)
                except BaseException as error:
                    recorder.finish(index, time.perf_counter() - start, failure(error))

        await asyncio.gather(*(item(index) for index in range(len(ITEMS))))

    LOOP.run_until_complete(all_items())


EXECUTORS = {"py-threads": run_threads, "py-processes": run_processes, "py-asyncio": run_asyncio}
LOOP = None


def run(workers, executor):
    recorder = Recorder(len(ITEMS))
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    EXECUTORS[executor](workers, recorder)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    user = sum(a.ru_utime - b.ru_utime for a, b in zip(after, before))
    system = sum(a.ru_stime - b.ru_stime for a, b in zip(after, before))
    for index, finished in enumerate(recorder.finished):
        if not finished:
            recorder.finish(index, wall, ("other", "the item never ended"))
    send("done %.9f %.6f %.6f" % (wall, user, system))


def load(hello):
    """Loads what the hello message names; returns the executor's name."""
    global FUNCTION, SETUP, HAS_SETUP, ITEMS, TIMEOUT, LOOP
    if sys.version_info < (3, 9):
        raise ValueError("Python %d.%d is too old; poolbench needs Python 3.9 or newer" % sys.version_info[:2])
    executor = hello["executor"]
    if executor not in EXECUTORS:
        raise ValueError("unknown executor %s" % executor)
    FUNCTION = load_callable(hello["function"], hello["name"], "poolbench_function")
    is_async = inspect.iscoroutinefunction(FUNCTION) or inspect.iscoroutinefunction(getattr(FUNCTION, "__call__", None))
    if executor == "py-asyncio" and not is_async:
        raise ValueError("%s is a plain function; py-asyncio needs an async def (or use py-threads)" % hello["name"])
    if executor != "py-asyncio" and is_async:
        raise ValueError("%s is an async def; run it with --executor py-asyncio" % hello["name"])
    if hello.get("setup"):
        path, name = hello["setup"]
        SETUP = load_callable(path, name, "poolbench_function" if path == hello["function"] else "poolbench_setup")
        HAS_SETUP = True
    items = hello.get("items")
    ITEMS = items if items is not None else list(range(hello["count"]))
    TIMEOUT = hello.get("timeout")
    LOOP = asyncio.new_event_loop()
    if executor != "py-processes":
        call_setup()
    return executor


def die_with_parent():
    """SIGKILL when the parent dies, where prctl is available (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except Exception:
        pass


def watch_channel():
    """Ends this worker and every process it started once poolbench's end of
    the channel closes, even in the middle of a run."""
    watcher = select.poll()
    watcher.register(CHANNEL_IN, getattr(select, "POLLRDHUP", 0) | select.POLLHUP)
    while True:
        try:
            events = watcher.poll()
        except InterruptedError:
            continue
        if any(flags & (getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR) for _, flags in events):
            break
    if os.getpgid(0) == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(0)


def main():
    global CHANNEL_IN, CHANNEL_OUT
    # The channel moves off standard input and output, so what the user's
    # function prints cannot be taken for a reply.
    CHANNEL_IN = os.dup(0)
    CHANNEL_OUT = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    threading.Thread(target=watch_channel, daemon=True).start()
    requests = os.fdopen(CHANNEL_IN, "rb", closefd=False)
    reader = iter(lambda: requests.readline(), b"")
    first = next(reader, None)
    if first is None:
        return
    try:
        executor = load(json.loads(first.decode("utf-8")))
    except BaseException as error:
        message = str(error) if isinstance(error, ValueError) else last_line(error)
        send("error " + one_line(message))
        return
    send("ready %d.%d.%d" % sys.version_info[:3])
    for line in reader:
        fields = line.decode("utf-8").split()
        if len(fields) != 2 or fields[0] != "run" or not fields[1].isdigit() or int(fields[1]) < 1:
            send("error expected 'run <workers>', got %r" % line[:80])
            return
        run(int(fields[1]), executor)


if __name__ == "__main__":
    main()
