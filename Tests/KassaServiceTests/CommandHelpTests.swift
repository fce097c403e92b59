import Foundation
import Testing

/// `kassa help COMMAND`: the text an operator reads first. Each paragraph is wrapped by the
/// argument parser to the terminal's 80 columns, not broken again where the source broke it.
@Suite("kassa help")
struct CommandHelpTests {
    static let commands = [["serve"], ["wal", "verify"], ["rules", "check"], ["loadtest"], ["export"],
                           ["import", "sales"], ["till"], ["devices"]]

    func help(_ command: [String]) throws -> String {
        let run = try runKassa(["help"] + command)
        #expect(run.status == 0, "kassa help \(command.joined(separator: " ")): \(run.errors)")
        return run.output
    }

    @Test(arguments: commands)
    func paragraphsAreWrappedOnlyByTheParser(_ command: [String]) throws {
        let output = try help(command)
        // The overview and discussion: everything before the usage line.
        let text = try #require(output.components(separatedBy: "\nUSAGE:").first).trimmingCharacters(in: .whitespacesAndNewlines)
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
        #expect(paragraphs.count >= 2, "\(command): an overview and a discussion")
        for lines in paragraphs {
            // A wrapped line is near the 80 columns; one far shorter with more after it is a
            // break the parser did not make.
            for line in lines.dropLast() {
                #expect(line.count > 60, "\(command): a line broken early: \"\(line)\"")
            }
            for line in lines { #expect(line.count <= 80, "\(command): a line past 80 columns: \"\(line)\"") }
        }
    }
}
