/// The pages' fixed values in one place: the Content-Security-Policy, cookie names and session lifetimes.
public enum PageLabels {
    /// Sent with every page and asset: scripts, styles and images from the node only, no inline script or style,
    /// no plugins, never framed, forms post back to the node only.
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    /// The session cookie: a random id; the session itself (its token, CSRF token, expiry) stays on the node.
    public static let sessionCookie = "cv_session"
    /// The double-submit CSRF cookie of forms shown before sign-in (sign-in, verify).
    public static let formCookie = "cv_form"
    /// The form field carrying the CSRF token.
    public static let csrfField = "csrf"
    /// A session ends after this long without a request...
    public static let idleTimeoutMs: UInt64 = 30 * 60 * 1000
    /// ...and this long after sign-in in any case.
    public static let absoluteTimeoutMs: UInt64 = 8 * 3600 * 1000
    /// Sessions kept at most; past it the oldest is dropped.
    public static let maxSessions = 10_000
}
