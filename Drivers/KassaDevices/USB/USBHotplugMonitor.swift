import CLibUSB
import Foundation
import Synchronization

/// Tells its owner when USB devices arrive and leave.
///
/// Where the system supports it, libusb's hot-plug callback is registered; the callback does no
/// I/O and takes no locks of ours beyond a queue append: it copies the device's ids, takes a
/// reference on the device and enqueues the event. A thread of the monitor's own runs libusb's
/// event handling and, between rounds, describes the queued devices (interfaces, strings) and
/// hands the events to the owner's handler, outside any libusb callback. Where hot-plug is not
/// supported, the same thread compares device lists every `pollIntervalMs` instead.
///
/// The handler runs on the monitor's thread and should return quickly; it must not call ``stop()``.
public final class USBHotplugMonitor: @unchecked Sendable {
    /// A device came or went.
    public enum Event: Hashable, Sendable {
        /// A device was plugged in (or was present when the monitor started, if asked to report those).
        case arrived(USBDeviceInfo)
        /// A device was unplugged; strings are those known when it arrived, when they were.
        case left(USBDeviceInfo)
    }

    /// How events are found.
    public enum Mode: String, Sendable {
        case hotplug, polling
    }

    /// The most events held between two rounds; beyond it the oldest are dropped (and counted),
    /// because a flood of plug events must not grow memory without bound.
    public static let queuedEventsMax = 256

    /// How this monitor finds events.
    public let mode: Mode
    private let context: USBContext
    private let pollIntervalMs: Int
    private let handler: @Sendable (Event) -> Void
    private let pending: PendingEvents
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private var callback: libusb_hotplug_callback_handle = 0
    private var callbackBox: Unmanaged<PendingEvents>?

    /// Starts watching. With `reportPresent`, devices already connected are reported as arrived first.
    /// `forcePolling` uses the device-list comparison even where hot-plug works.
    public init(context: USBContext, reportPresent: Bool = false, pollIntervalMs: Int = 1_000, forcePolling: Bool = false,
                handler: @escaping @Sendable (Event) -> Void) throws(DeviceError) {
        self.context = context
        self.pollIntervalMs = max(10, pollIntervalMs)
        self.handler = handler
        self.pending = PendingEvents()
        self.mode = context.supportsHotplug && !forcePolling ? .hotplug : .polling
        // The devices present when polling starts are listed here, before `init` returns, so a
        // device plugged in once the caller has its monitor is always reported as arrived; listed
        // by the thread instead, a late first round would take it for one already there.
        let baseline = mode == .polling ? USBHotplugMonitor.pollList(context, readStrings: true) : nil
        if mode == .hotplug { try register(reportPresent: reportPresent) }
        let thread = Thread { [self] in
            switch mode {
            case .hotplug: runEvents()
            case .polling: runPolling(baseline: baseline, reportPresent: reportPresent)
            }
            finished.signal()
        }
        thread.name = "kassa-usb-hotplug"
        thread.start()
    }

    deinit { stop() }

    /// Events dropped because the queue was full.
    public var droppedEvents: Int { pending.dropped }

    /// Stops watching and waits for the thread to end. Stopping twice does nothing.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if mode == .hotplug {
            // Deregistering wakes libusb's event handling, so the thread sees `stopping` at once.
            libusb_hotplug_deregister_callback(context.raw, callback)
        }
        finished.wait()
        callbackBox?.release()
        callbackBox = nil
        pending.drain().forEach { libusb_unref_device($0.device) }
    }

    private func register(reportPresent: Bool) throws(DeviceError) {
        let box = Unmanaged.passRetained(pending)
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let flags = reportPresent ? Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue) : 0
        let result = libusb_hotplug_register_callback(context.raw, events, flags, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                                      LIBUSB_HOTPLUG_MATCH_ANY, { _, device, event, userData in
            // Inside libusb: no I/O, no descriptor parsing, just a reference and an append.
            guard let device, let userData else { return 0 }
            let pending = Unmanaged<PendingEvents>.fromOpaque(userData).takeUnretainedValue()
            libusb_ref_device(device)
            pending.append(RawEvent(device: device, arrived: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED))
            return 0
        }, box.toOpaque(), &callback)
        guard result == 0 else {
            box.release()
            throw USBContext.error(result, "watching for USB devices")
        }
        callbackBox = box
    }

    private func runEvents() {
        var known: [OpaquePointer: USBDeviceInfo] = [:]
        while !stopping.load(ordering: .acquiring) {
            var wait = timeval(tv_sec: 0, tv_usec: 200_000)
            _ = libusb_handle_events_timeout_completed(context.raw, &wait, nil)
            for raw in pending.drain() {
                defer { libusb_unref_device(raw.device) }
                if raw.arrived {
                    let info = USBContext.describe(raw.device, readStrings: true)
                    known[raw.device] = info
                    deliver(.arrived(info))
                } else {
                    let info = known.removeValue(forKey: raw.device) ?? USBContext.describe(raw.device, readStrings: false)
                    deliver(.left(info))
                }
            }
        }
    }

    /// The devices connected now by their keys, or nil when they cannot be listed.
    private static func pollList(_ context: USBContext, readStrings: Bool) -> [PollKey: USBDeviceInfo]? {
        guard let devices = try? context.devices(readStrings: readStrings) else { return nil }
        return Dictionary(devices.map { (PollKey($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Compares device lists every `pollIntervalMs`, starting from `baseline`. When that could
    /// not be listed, the first list taken becomes the baseline; the devices in the baseline are
    /// reported as arrived only with `reportPresent`.
    private func runPolling(baseline: [PollKey: USBDeviceInfo]?, reportPresent: Bool) {
        var known = baseline
        if let baseline, reportPresent {
            for info in baseline.values { deliver(.arrived(info)) }
        }
        var wait = baseline != nil
        while !stopping.load(ordering: .acquiring) {
            if wait {
                var slept = 0
                while slept < pollIntervalMs && !stopping.load(ordering: .acquiring) {
                    usleep(10_000)
                    slept += 10
                }
                if stopping.load(ordering: .acquiring) { break }
            }
            wait = true
            guard let now = USBHotplugMonitor.pollList(context, readStrings: false) else { continue }
            let reportNew = known != nil || reportPresent
            let previous = known ?? [:]
            var described: [USBDeviceInfo]?
            var next: [PollKey: USBDeviceInfo] = [:]
            for (key, info) in now {
                if let old = previous[key] {
                    next[key] = old
                    continue
                }
                // Strings are read once, when a device is first seen, and kept for its "left" event.
                if described == nil { described = try? context.devices(readStrings: true) }
                let full = described?.first { PollKey($0) == key } ?? info
                next[key] = full
                if reportNew { deliver(.arrived(full)) }
            }
            for (key, info) in previous where now[key] == nil { deliver(.left(info)) }
            known = next
        }
    }

    private func deliver(_ event: Event) {
        guard !stopping.load(ordering: .acquiring) else { return }
        handler(event)
    }

    /// What identifies one plugged-in device between two polls.
    private struct PollKey: Hashable {
        var bus: UInt8, address: UInt8, vendorId: UInt16, productId: UInt16
        init(_ info: USBDeviceInfo) {
            bus = info.bus
            address = info.address
            vendorId = info.vendorId
            productId = info.productId
        }
    }
}

/// One event as the libusb callback saw it: the device (with a reference we hold) and its direction.
struct RawEvent: @unchecked Sendable {
    /// A libusb_device with one reference owned by this event, dropped when it is handled.
    var device: OpaquePointer
    var arrived: Bool
}

/// The bounded queue between libusb's callback and the monitor's thread.
///
/// Events beyond ``USBHotplugMonitor/queuedEventsMax`` are dropped and counted; the device
/// references they carry are released by the monitor's thread in `drain`, never inside the
/// callback, where freeing a device could re-enter libusb.
final class PendingEvents: Sendable {
    private let state = Mutex<(events: [RawEvent], overflow: [RawEvent], dropped: Int)>(([], [], 0))

    func append(_ event: RawEvent) {
        state.withLock { state in
            if state.events.count < USBHotplugMonitor.queuedEventsMax {
                state.events.append(event)
            } else {
                state.overflow.append(event)
                state.dropped += 1
            }
        }
    }

    /// The queued events; releases the references of dropped ones.
    func drain() -> [RawEvent] {
        let (events, overflow) = state.withLock { state in
            defer {
                state.events.removeAll()
                state.overflow.removeAll()
            }
            return (state.events, state.overflow)
        }
        overflow.forEach { libusb_unref_device($0.device) }
        return events
    }

    var dropped: Int { state.withLock { $0.dropped } }
}
