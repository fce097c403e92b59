import Glibc

/// Names the calling thread for the operating system (the kernel keeps 15 bytes), so that
/// `top -H`, `ps -L` and `/proc/PID/task/*/comm` tell Kassa's threads apart: `Thread.name` alone
/// does not reach the kernel here, and every such thread showed as the thread pool's. Written to
/// `/proc/thread-self/comm`; where that cannot be written the thread just keeps its old name.
func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    defer { close(fd) }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}
