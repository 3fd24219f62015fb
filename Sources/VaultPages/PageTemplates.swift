import Foundation
import Mustache

/// The pages' Mustache templates (Resources/templates), parsed once at start. `{{name}}` escapes HTML; the only
/// unescaped value is the layout's `{{{body}}}`, which is a page we rendered ourselves.
public struct PageTemplates: Sendable {
    let library: MustacheLibrary

    /// Parses every template shipped with the module; throws when one does not parse.
    public init() throws {
        var library = MustacheLibrary()
        let folder = try PageResources.folder("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do { try library.register(text, named: String(name.dropLast(".mustache".count))) } catch {
                throw PageTemplateError(file: name, detail: "\(error)")
            }
        }
        self.library = library
    }

    /// Renders template `name` with `values` inside the layout with `chrome` (title, scripts, who is signed in).
    public func page(_ name: String, _ values: [String: Any], chrome: PageChrome) -> String {
        let body = library.render(values, withTemplate: name) ?? ""
        var layout = chrome.values
        layout["body"] = body
        return library.render(layout, withTemplate: "layout") ?? body
    }
}

/// A template that does not parse.
public struct PageTemplateError: Error, CustomStringConvertible {
    public let file: String
    public let detail: String
    public var description: String { "\(file): \(detail)" }
}

/// What the layout shows around a page.
public struct PageChrome: Sendable {
    public var title: String
    /// Scripts of Resources/static the page loads (besides none inline).
    public var scripts: [String]
    /// Who is signed in, if anyone, with the CSRF token of the sign-out form.
    public var actor: String?
    public var role: String?
    public var csrf: String?
    public var flash: String?
    /// Which navigation entry is the current page.
    public var current: String

    public init(title: String, current: String, scripts: [String] = [], actor: String? = nil, role: String? = nil, csrf: String? = nil, flash: String? = nil) {
        self.title = title
        self.current = current
        self.scripts = scripts
        self.actor = actor
        self.role = role
        self.csrf = csrf
        self.flash = flash
    }

    var values: [String: Any] {
        var v: [String: Any] = ["title": title, "scripts": scripts]
        if let actor, let role, let csrf { v["signedIn"] = ["actor": actor, "role": role, "csrf": csrf] }
        if let flash { v["flash"] = flash }
        for page in ["ledger", "verify", "citizen", "officer", "signin"] { v["is_" + page] = page == current }
        return v
    }
}

/// Where the module's resources are.
enum PageResources {
    static func folder(_ name: String) throws -> URL {
        // The bundle holds the copied folder Resources/; Foundation may report either the bundle or that folder.
        let candidates = [Bundle.module.bundleURL.appendingPathComponent("Resources"), Bundle.module.resourceURL].compactMap { $0 }
        for base in candidates where FileManager.default.fileExists(atPath: base.appendingPathComponent(name).path) {
            return base.appendingPathComponent(name)
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map { $0.appendingPathComponent(name).path }.joined(separator: " or ")])
    }
}
