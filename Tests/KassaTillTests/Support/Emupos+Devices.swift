import Foundation

/// The physical-world actions: what a cashier or a technician does to the devices.
extension Emupos {
    /// How long `scan` waits for emupos to report the barcode written to the pseudo-terminal.
    static let scanDeliveryTimeoutSeconds = 10.0

    /// Makes the simulated scanner read `code`: emupos writes it, then the suffix (CR by
    /// default), to the scanner's pseudo-terminal. Returns once emupos reports it delivered.
    func scan(_ code: String) async throws {
        try requireDevice(devices.scanner, "a scanner")
        let delivered = events().count(where: { $0.type == "scanner.scan.delivered" })
        try await api.expect(202, "POST", "/devices/\(EmuposConfiguration.scannerID)/scans",
                             json: ["data": code, "countdown_seconds": 0])
        try await waitUntil("the scan of \(code) to be delivered", timeoutSeconds: Self.scanDeliveryTimeoutSeconds) {
            self.events().count(where: { $0.type == "scanner.scan.delivered" }) > delivered
        }
    }

    /// Sets or clears a printer fault. Clearing the last fault that stops printing processes the
    /// held data before this returns, so its receipts are already in `receipts()`.
    func setFault(_ fault: EmuposFault, on: Bool) async throws {
        try requireDevice(devices.hasPrinter, "a printer")
        try await api.expect(204, on ? "PUT" : "DELETE", "/devices/\(EmuposConfiguration.printerID)/faults/\(fault.rawValue)")
    }

    /// Pushes the cash drawer shut; the next kick opens it (and counts) again.
    func closeDrawer() async throws {
        try requireDevice(devices.hasPrinter, "a printer")
        try await api.expect(204, "POST", "/devices/\(EmuposConfiguration.printerID)/drawer/close")
    }

    /// The printer's active faults, sorted by name, and whether its drawer is open.
    func printerState() async throws -> (faults: [EmuposFault], drawerOpen: Bool) {
        try requireDevice(devices.hasPrinter, "a printer")
        let state = try await api.device(EmuposConfiguration.printerID)["state"] as? [String: Any] ?? [:]
        let faults = (state["faults"] as? [String] ?? []).compactMap(EmuposFault.init(rawValue:))
        return (faults, state["drawer"] as? String == "open")
    }

    /// How many times the drawer went from closed to open. A kick while it is open changes
    /// nothing in emupos (emupos/drawer/drawer.py, `Drawer.kick`), so it does not count.
    func drawerOpenCount() -> Int {
        events().count(where: { $0.device == EmuposConfiguration.printerID && $0.type == "drawer.opened" })
    }

    /// Puts `grams` on the scale; `stable: false` makes it settle within the profile's 500 ms.
    func setWeight(grams: Int, stable: Bool = true) async throws {
        try requireDevice(devices.scale, "a scale")
        try await api.expect(204, "PUT", "/devices/\(EmuposConfiguration.scaleID)/weight",
                             json: ["grams": grams, "stable": stable])
    }

    var api: EmuposControlAPI { EmuposControlAPI(port: apiPort) }

    func requireDevice(_ configured: Bool, _ name: String) throws {
        guard configured else {
            throw EmuposError(.deviceNotConfigured, "this emupos has no \(name); ask for it in EmuposDevices")
        }
    }

    /// Polls `condition` until it holds, or fails naming what was awaited, with emupos's output.
    func waitUntil(_ what: String, timeoutSeconds: Double, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                throw EmuposError(.timedOut, "waited \(timeoutSeconds) s for \(what); emupos printed:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(EmuposLaunch.pollIntervalMs))
        }
    }
}
