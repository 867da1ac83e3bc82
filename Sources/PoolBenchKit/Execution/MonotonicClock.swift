import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`: immune to wall-clock changes and cheap
/// enough (vDSO, no system call) to read twice per task.
enum MonotonicClock {
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    @inline(__always)
    static func seconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1e9
    }

    static func seconds(since start: UInt64) -> Double {
        seconds(from: start, to: now())
    }
}
