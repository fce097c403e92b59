import Foundation

/// One device's transport, run on a thread of its own: it opens the transport, reads and hands
/// up what arrives, writes what ``send(_:)`` queued, and when the device goes away reopens it
/// with a ``ReconnectBackoff`` until it is back or ``stop()`` is called.
///
/// Everything the owner hears comes through one callback, called on the connection's thread in
/// the order things happened: `.statusUpdate(.offline)` first, then `.online` or `.offline` each
/// time that changes, `.data`
/// for bytes read, `.outputComplete` or `.error` for each ``send(_:)``, and `.error` for failures
/// that are not a lost device. The callback must return quickly (it holds up reading) and must
/// not call ``stop()`` (that waits for this thread).
///
/// The state follows ``DeviceLifecycle``: ``start()`` opens, claims and enables for the
/// connection's owner; ``stop()`` disables, releases and closes.
///
/// ```swift
/// let scanner = DeviceConnection(name: "scanner", transport: SerialTransport(path: path, settings: settings)) { event in
///     if case .data(let bytes) = event { decoder.feed(bytes) }
/// }
/// scanner.start()
/// ```
public final class DeviceConnection: @unchecked Sendable {
    /// How the connection reads, writes and reconnects.
    public struct Options: Sendable {
        /// The longest a read waits; a queued write waits at most this long to start.
        public var readTimeoutMs: Int
        /// The most bytes one `.data` event carries.
        public var readBytesMax: Int
        /// How long one write may take before it is reported as a `.timeout` error.
        public var writeTimeoutMs: Int
        /// The most writes queued at once; ``send(_:)`` throws `.busy` beyond it.
        public var queuedWritesMax: Int
        /// Whether to read at all (an output-only transport, such as a file printer, does not).
        public var reads: Bool
        /// The reconnect steps.
        public var backoff: ReconnectBackoff.Policy

        /// Options with defaults for a till's scanner or printer.
        public init(readTimeoutMs: Int = 50, readBytesMax: Int = 4096, writeTimeoutMs: Int = 5_000, queuedWritesMax: Int = 64,
                    reads: Bool = true, backoff: ReconnectBackoff.Policy = ReconnectBackoff.Policy()) {
            self.readTimeoutMs = max(1, readTimeoutMs)
            self.readBytesMax = max(1, readBytesMax)
            self.writeTimeoutMs = max(1, writeTimeoutMs)
            self.queuedWritesMax = max(1, queuedWritesMax)
            self.reads = reads
            self.backoff = backoff
        }
    }

    /// The name used in messages and as the lifecycle's owner ("scanner", "receipt printer").
    public let name: String
    /// The transport's address, for messages.
    public let address: String
    private let options: Options
    private let handler: @Sendable (DeviceEvent) -> Void
    private let now: @Sendable () -> Int64

    /// Guards everything below; the transport itself is touched only by the connection's thread.
    private let condition = NSCondition()
    private var lifecycle: DeviceLifecycle
    private var queued: [(output: UInt64, bytes: [UInt8])] = []
    private var nextOutput: UInt64 = 1
    private var stopping = false
    private var thread: Thread?
    private var finished = false
    private let transport: any ByteTransport

    /// A connection for `transport`, not yet started. The connection owns the transport from
    /// here on: nothing else may use it.
    public init(name: String, transport: sending any ByteTransport, options: Options = Options(),
                now: @escaping @Sendable () -> Int64 = MonotonicTime.nowMs,
                onEvent handler: @escaping @Sendable (DeviceEvent) -> Void) {
        self.name = name
        self.address = transport.address
        self.transport = transport
        self.options = options
        self.handler = handler
        self.now = now
        self.lifecycle = DeviceLifecycle(device: name)
    }

    deinit { stop() }

    /// Whether the device is online now.
    public var status: DeviceStatus {
        condition.lock()
        defer { condition.unlock() }
        return lifecycle.status
    }

    /// Starts the connection's thread; it opens the device and keeps it open. Starting twice does nothing.
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard thread == nil, !stopping else { return }
        let thread = Thread { [self] in run() }
        thread.name = "kassa-device-\(name)"
        self.thread = thread
        thread.start()
    }

    /// Queues `bytes` to be written whole and returns the number its `.outputComplete` or
    /// `.error` event will carry. Throws `.offline` while the device is offline, `.closed` before
    /// ``start()`` or after ``stop()``, `.busy` when `Options.queuedWritesMax` writes are waiting.
    @discardableResult
    public func send(_ bytes: [UInt8]) throws(DeviceError) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        try lifecycle.checkOutput(by: name)
        guard queued.count < options.queuedWritesMax else {
            throw DeviceError(.busy, "\(name) at \(address) has \(queued.count) writes waiting; try again when they are done")
        }
        let output = nextOutput
        nextOutput += 1
        queued.append((output, bytes))
        condition.broadcast()
        return output
    }

    /// Stops the thread, closes the transport and waits until both are done. Writes still
    /// queued are dropped without events. Stopping twice does nothing.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        let running = thread != nil && Thread.current != thread
        while running && !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var backoff = ReconnectBackoff(policy: options.backoff)
        var online = false
        var retryAtMs: Int64 = 0
        // Enabling reports the status it starts from (offline until the first open succeeds).
        deliver { lifecycle in
            let opening = lifecycle.open()
            let claiming = (try? lifecycle.claim(by: name)) ?? []
            return opening + claiming + ((try? lifecycle.enable(by: name)) ?? [])
        }
        while !isStopping() {
            if online {
                online = serveOnce()
                if !online { retryAtMs = now() + backoff.failed(atMs: now()) }
            } else if now() >= retryAtMs {
                online = connect(&backoff, retryAtMs: &retryAtMs)
            } else {
                waitUntil(retryAtMs)
            }
        }
        transport.close()
        condition.lock()
        _ = lifecycle.close()
        queued.removeAll()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Opens the transport; on failure reports the device offline (once) and schedules the next try.
    private func connect(_ backoff: inout ReconnectBackoff, retryAtMs: inout Int64) -> Bool {
        do {
            try transport.open()
            backoff.connected(atMs: now())
            deliver { $0.transportOpened() }
            return true
        } catch {
            transport.close()
            let first = backoff.failures == 0
            retryAtMs = now() + backoff.failed(atMs: now())
            deliver { lifecycle in
                let report = first && error.code != .offline && error.code != .noHardware ? lifecycle.failed(error, output: nil) : []
                return lifecycle.transportLost() + report
            }
            return false
        }
    }

    /// Writes what is queued, then reads once; returns whether the device is still online.
    private func serveOnce() -> Bool {
        while let (output, bytes) = nextQueued() {
            do {
                try transport.write(bytes, timeoutMs: options.writeTimeoutMs)
                deliver { $0.outputCompleted(output) }
            } catch {
                deliver { $0.failed(error, output: output) }
                if error.code == .offline { return lose(error) }
            }
        }
        guard options.reads else {
            waitForWork()
            return true
        }
        do {
            let bytes = try transport.read(maxBytes: options.readBytesMax, timeoutMs: options.readTimeoutMs)
            if !bytes.isEmpty { deliver { $0.received(bytes) } }
            return true
        } catch {
            return lose(error)
        }
    }

    /// The device failed: closes the transport, fails the queued writes, reports offline.
    private func lose(_ error: DeviceError) -> Bool {
        transport.close()
        condition.lock()
        let dropped = queued
        queued.removeAll()
        condition.unlock()
        deliver { lifecycle in
            var actions = lifecycle.transportLost()
            if error.code != .offline { actions += lifecycle.failed(error, output: nil) }
            for write in dropped {
                actions += lifecycle.failed(DeviceError(.offline, "\(name) at \(address) went offline before this was written"), output: write.output)
            }
            return actions
        }
        return false
    }

    /// Applies a lifecycle step under the lock and hands its events to the owner outside it.
    private func deliver(_ step: (inout DeviceLifecycle) -> [DeviceLifecycle.Action]) {
        condition.lock()
        let actions = step(&lifecycle)
        condition.unlock()
        for action in actions {
            switch action {
            case .deliver(let event): handler(event)
            // The transport is opened, read and closed by this loop itself; ByteTransport has no
            // separate claim (a USB transport claims its interface when it opens).
            case .openTransport, .claimTransport, .startReading, .stopReading, .releaseTransport, .closeTransport: break
            }
        }
    }

    private func nextQueued() -> (UInt64, [UInt8])? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, !queued.isEmpty else { return nil }
        let first = queued.removeFirst()
        return (first.output, first.bytes)
    }

    private func isStopping() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func waitUntil(_ deadlineMs: Int64) {
        condition.lock()
        let remaining = deadlineMs - now()
        if !stopping && remaining > 0 {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(remaining) / 1000))
        }
        condition.unlock()
    }

    private func waitForWork() {
        condition.lock()
        if !stopping && queued.isEmpty {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(options.readTimeoutMs) / 1000))
        }
        condition.unlock()
    }
}
