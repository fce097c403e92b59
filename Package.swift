// swift-tools-version:6.1
import PackageDescription

// One package, one binary. Modules depend only on what stands before them in the data flow
// (device → lane → service → sequencer → ledger → journal → projection → analytics); see README.
let package = Package(
    name: "kassa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kassa", targets: ["kassa"]),
        .library(name: "KassaCore", targets: ["KassaCore"]),
        .library(name: "KassaLoyalty", targets: ["KassaLoyalty"]),
        .library(name: "KassaJournal", targets: ["KassaJournal"]),
        .library(name: "KassaService", targets: ["KassaService"]),
        .library(name: "KassaAnalytics", targets: ["KassaAnalytics"]),
        .library(name: "KassaLoadTest", targets: ["KassaLoadTest"]),
        .library(name: "KassaDevices", targets: ["KassaDevices"]),
        .library(name: "KassaTill", targets: ["KassaTill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // NIOHTTPTypes: the HTTP parts the till fast path reads in Hummingbird's pipeline.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        .target(name: "KassaCore"),
        .target(name: "KassaLoyalty", dependencies: ["KassaCore", .product(name: "Yams", package: "Yams")]),
        // CRC-32C in hardware for the journal; internal to KassaJournal, not API.
        .target(name: "CKassaCRC32C"),
        // SQLite's process-wide configuration, which takes a C variadic call.
        .target(name: "CKassaSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "KassaJournal", dependencies: ["KassaCore", "CKassaCRC32C", "CKassaSQLite", .product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(
            name: "KassaService",
            dependencies: [
                "KassaCore", "KassaLoyalty", "KassaJournal", "KassaAnalytics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "KassaAnalytics", dependencies: ["KassaCore", "KassaJournal", .product(name: "GRDB", package: "GRDB.swift")]),
        // libpq from Debian's libpq-dev, for the PostgreSQL baseline of `kassa loadtest`.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "KassaLoadTest",
            dependencies: [
                "KassaCore", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The till's devices: the C libraries behind system-library targets, and the device model
        // with its transports, scanner decoding and ESC/POS (see Drivers/README.md).
        .systemLibrary(name: "CSerialPort", path: "Drivers/CSerialPort", pkgConfig: "libserialport",
                       providers: [.apt(["libserialport-dev"])]),
        .systemLibrary(name: "CLibUSB", path: "Drivers/CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .target(name: "KassaDevices", dependencies: ["CSerialPort", "CLibUSB", "KassaCore"], path: "Drivers/KassaDevices"),
        // The lane: cashier input and device events → basket → quote and sale → receipt; the outbox.
        .target(
            name: "KassaTill",
            dependencies: [
                "KassaDevices", "KassaCore", "KassaLoyalty", "KassaJournal", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "kassa",
            dependencies: [
                "KassaCore", "KassaLoyalty", "KassaJournal", "KassaService", "KassaAnalytics", "KassaLoadTest",
                "KassaDevices", "KassaTill",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "KassaTestSupport", dependencies: ["KassaCore", "KassaJournal"], path: "Tests/KassaTestSupport"),
        .testTarget(name: "KassaCoreTests", dependencies: ["KassaCore", "KassaTestSupport"]),
        .testTarget(name: "KassaLoyaltyTests", dependencies: ["KassaLoyalty", "KassaCore", "KassaTestSupport"]),
        // The child process the journal's crash and fault tests start and kill.
        .executableTarget(name: "kassa-journal-probe", dependencies: ["KassaJournal", "KassaCore", "KassaTestSupport",
                                                                      .product(name: "GRDB", package: "GRDB.swift"),
                                                                      .product(name: "GRDBSQLite", package: "GRDB.swift")],
                          path: "Tests/KassaJournalProbe"),
        .testTarget(name: "KassaJournalTests", dependencies: ["KassaJournal", "KassaCore", "KassaTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // End to end: starts the real `kassa` binary and talks HTTP to it on loopback.
        .testTarget(name: "KassaServiceTests", dependencies: ["KassaService", "KassaAnalytics", "KassaTestSupport"]),
        .testTarget(name: "KassaAnalyticsTests", dependencies: ["KassaAnalytics", "KassaCore", "KassaJournal", "KassaTestSupport"]),
        .testTarget(name: "KassaLoadTestTests", dependencies: ["KassaLoadTest", "KassaTestSupport",
                                                              .product(name: "Histogram", package: "hdrhistogram-swift")]),
        .testTarget(name: "KassaDevicesTests", dependencies: ["KassaDevices", "KassaCore", "KassaTestSupport"]),
        // End to end: a real `kassa serve`, `kassa till` and the emupos device simulator.
        .testTarget(name: "KassaTillTests", dependencies: ["KassaTill", "KassaDevices", "KassaCore", "KassaTestSupport"]),
    ]
)
