/// Stops the program with `message` when `condition` is false: a programmer error such as a shape
/// mismatch. Unlike `precondition`, the message survives optimised builds.
@inlinable
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
