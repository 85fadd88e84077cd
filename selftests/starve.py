#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold every CPU with a real-time busy loop while some code runs, so that
no normal-priority thread runs meanwhile: not ptun's crypto workers, not
its send stages. What the code queues for them stays queued until it is
done, which makes the queues' limits testable.

    with starved():
        ...	# runs at SCHED_FIFO 2, above the loops (SCHED_FIFO 1)

The loops are born normal (SCHED_RESET_ON_FORK) and pinned and raised by
this process, so none can run real-time on the wrong CPU and leave another
free. Softirqs still run: on the way out of interrupts, where the code
itself enables bottom halves, and in ksoftirqd, which is raised above the
loops meanwhile (a kernel may leave every softirq to it once it was woken,
as 6.1 does). Real-time throttling is off meanwhile, and from 6.12 on each
CPU's fair server (which gives normal threads a share once real-time ones
held the CPU for about a second) is cut to 10 us a second; both are put
back after. Before the loops stop, every packet the code sent has left the
CPUs' backlogs (/proc/net/softnet_stat), so what reached ptun did so while
its workers could not run. The loops end themselves after LIMIT seconds,
before the kernel's workqueue lockup detector (30 s) would bark, even if
this process got stuck; code that outlasted them raises Overrun, as what it
measured was not done starved.
"""

import contextlib
import glob
import os
import signal
import subprocess
import time

RT_RUNTIME = '/proc/sys/kernel/sched_rt_runtime_us'
DEBUGFS = '/sys/kernel/debug'
FAIR_SERVERS = DEBUGFS + '/sched/fair_server/cpu*/runtime'
FAIR_RUNTIME_NS = 10000
LIMIT = 20


class Overrun(Exception):
    """The busy loops ended before the starved code did."""


def softnet():
    """(packets in every CPU's backlog, packets the backlogs dropped)"""
    queued = dropped = 0
    with open('/proc/net/softnet_stat') as f:
        for line in f:
            col = [int(x, 16) for x in line.split()]
            dropped += col[1]
            queued += col[11]
    return queued, dropped


def _ksoftirqds():
    for pid in os.listdir('/proc'):
        try:
            with open('/proc/%s/comm' % pid) as f:
                if f.read().startswith('ksoftirqd/'):
                    yield int(pid)
        except (OSError, ValueError):
            pass


def _fair_servers():
    """Each CPU's fair server runtime file and its value (none before 6.12)."""
    if not os.path.isdir(DEBUGFS + '/sched'):
        subprocess.run(['mount', '-t', 'debugfs', 'debugfs', DEBUGFS],
                       stderr=subprocess.DEVNULL, check=False)
    found = {}
    for path in sorted(glob.glob(FAIR_SERVERS)):
        with open(path) as f:
            found[path] = f.read().strip()
    return found


def _write(path, value):
    with open(path, 'w') as f:
        f.write('%s\n' % value)


def _loop():
    try:
        signal.alarm(LIMIT)
        while True:
            pass
    finally:
        os._exit(0)


@contextlib.contextmanager
def starved(took=None):
    """Starve normal threads; took[:] = [seconds, backlog drops]."""
    with open(RT_RUNTIME) as f:
        runtime = f.read().strip()
    kids = []
    softirqds = list(_ksoftirqds())
    fair = _fair_servers()
    os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK,
                          os.sched_param(2))
    try:
        _write(RT_RUNTIME, -1)
        for path in fair:
            _write(path, FAIR_RUNTIME_NS)
        for pid in softirqds:
            os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(3))
        for cpu in sorted(os.sched_getaffinity(0)):
            pid = os.fork()
            if pid == 0:
                _loop()
            kids.append(pid)
            os.sched_setaffinity(pid, {cpu})
            os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(1))
        start = time.monotonic()
        dropped = softnet()[1]
        yield
        while softnet()[0] and time.monotonic() < start + LIMIT - 1:
            time.sleep(0.01)
        if took is not None:
            took[:] = [round(time.monotonic() - start, 2),
                       softnet()[1] - dropped]
        if any(os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG |
                         os.WNOWAIT) for pid in kids):
            raise Overrun('the busy loops ended after %d s, before the '
                          'starved code did' % LIMIT)
    finally:
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        for pid in softirqds:
            os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))
        for path, value in fair.items():
            _write(path, value)
        _write(RT_RUNTIME, runtime)
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
