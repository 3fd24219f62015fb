/// Limits and names of the HTTP service, in one place.
public enum ServerLimits {
    /// Largest accepted request body, in bytes; larger bodies get 413 with a JSON error.
    public static let maxBodyBytes = 64 * 1024
}
