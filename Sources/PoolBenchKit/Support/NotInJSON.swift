/// A property an answer carries for its reports to lay out but leaves out
/// of its JSON, so that an answer value's synthesised `Codable` is its JSON
/// with no list of keys beside it: the JSON keys are the other stored
/// properties. Decoding gives the value's empty default (`Omittable`).
///
/// It works by overloading `KeyedEncodingContainer.encode` and
/// `KeyedDecodingContainer.decode` for the wrapper, which the synthesised
/// conformances resolve to at compile time, whatever the encoder.
@propertyWrapper
public struct NotInJSON<Value: Omittable>: Codable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        wrappedValue = .omitted
    }

    public func encode(to encoder: any Encoder) throws {}
}

extension NotInJSON: Sendable where Value: Sendable {}
extension NotInJSON: Equatable where Value: Equatable {}
extension NotInJSON: Hashable where Value: Hashable {}

/// A value with an empty default, for what JSON does not carry.
public protocol Omittable {
    static var omitted: Self { get }
}

extension Optional: Omittable {
    public static var omitted: Self { nil }
}

extension Array: Omittable {
    public static var omitted: Self { [] }
}

extension Int: Omittable {
    public static var omitted: Self { 0 }
}

extension KeyedEncodingContainer {
    public mutating func encode<Value>(_ value: NotInJSON<Value>, forKey key: Key) throws {}
}

extension KeyedDecodingContainer {
    public func decode<Value>(_ type: NotInJSON<Value>.Type, forKey key: Key) throws -> NotInJSON<Value> {
        NotInJSON(wrappedValue: .omitted)
    }
}

/// A number that JSON shows as `null` when it is not finite (NaN, ±∞),
/// rather than as a string.
@propertyWrapper
public struct NullWhenNotFinite: Codable, Sendable, Hashable {
    public var wrappedValue: Double

    public init(wrappedValue: Double) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? .nan : try container.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if wrappedValue.isFinite { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
