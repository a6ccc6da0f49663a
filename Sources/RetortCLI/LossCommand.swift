import ArgumentParser
import Foundation
import Objectives

/// `retort loss NAME --inputs IN.safetensors --out OUT.safetensors [--param KEY=VALUE ...]`:
/// runs one loss of the table (`LossRegistry`) on the user's tensors, through the tape, and writes
/// `loss` and `grad.X` for every F32 input, so a port can be checked against its reference code.
/// `retort loss list` prints every loss with its inputs, parameters and defaults.
struct LossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "Evaluate a loss and its gradients on tensors from a safetensors file (or `list` the losses).",
        discussion: """
            Writes F32 `loss` (shape []) and `grad.X` for every F32 input X (zeros where the loss stops \
            the gradient) plus the loss's extra outputs. A bad request (unknown loss, missing or extra \
            input, wrong shape or dtype, bad parameter, unreadable file) prints one line and exits 2 \
            without writing the output file.
            """
    )

    @Argument(help: "The loss name (see `retort loss list`), or `list`.")
    var name: String?
    @Option(help: "The safetensors file with the named inputs.")
    var inputs: String?
    @Option(help: "The safetensors file to write (atomically, only on success).")
    var out: String?
    @Option(name: .customLong("param"), help: "A parameter, KEY=VALUE (repeatable; lists comma-separated).")
    var params: [String] = []

    func run() throws {
        do {
            guard let name else { throw ValidationError("give a loss name or `list` (see `retort loss list`)") }
            if name == "list" {
                print(LossRegistry.listing())
                return
            }
            guard let inputs else { throw ValidationError("\(name): give --inputs IN.safetensors") }
            guard let out else { throw ValidationError("\(name): give --out OUT.safetensors") }
            let result = try LossRegistry.run(
                name: name, inputs: URL(fileURLWithPath: inputs),
                output: URL(fileURLWithPath: out), assignments: params)
            let loss = result.tensors["loss"]?.scalars.first ?? .nan
            print("\(name): loss \(loss); wrote \(out) (\(result.tensors.count + result.integers.count) tensors)")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
