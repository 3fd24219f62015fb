extension RecordSchema {
    /// Types the values of a patch: `changes` names only the fields it sets (`null` removes an optional field);
    /// every other field keeps its value, and `kept` names those that have one. Throws naming the first bad field,
    /// or a required field the patch would leave without a value.
    public func validatePatch(_ changes: [String: JSONValue], keeping kept: Set<String>) throws -> [String: FieldValue] {
        for name in changes.keys.sorted() where field(named: name) == nil { throw VaultError.unknownField(name) }
        var out: [String: FieldValue] = [:]
        for field in fields {
            switch changes[field.name] {
            case nil:
                if field.required && !kept.contains(field.name) { throw VaultError.missingField(field.name) }
            case .null?:
                if field.required { throw VaultError.missingField(field.name) }
            case let raw?:
                out[field.name] = try Self.typed(raw, for: field)
            }
        }
        return out
    }
}
