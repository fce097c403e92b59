import ArgumentParser

/// The `kassa` command line: one binary, several roles.
@main
struct Kassa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kassa",
        abstract: "Retail point-of-sale and loyalty core: sales registration, journal, loyalty, analytics.",
        subcommands: [Serve.self, Wal.self, Rules.self, LoadTestCommand.self, Export.self, Import.self, Till.self, Devices.self]
    )
}
