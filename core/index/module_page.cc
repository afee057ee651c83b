// The pages of one module: its latest version, each version, and the API diffs between versions.
#include <algorithm>
#include <set>

#include "core/index/api_diff.h"
#include "core/index/html_text.h"
#include "core/index/json_access.h"
#include "core/index/site_output.h"
#include "core/index/site_page.h"

namespace host::index {

namespace {

using Json = nlohmann::json;

// Whether text may be pasted into a shell as one word (a reference or a flag name).
bool ShellSafe(const std::string& text, bool reference) {
  if (text.empty() || text.size() > 600) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' ||
                    (reference && (c == '.' || c == ':' || c == '/' || c == '@' || c == '+'));
    if (!ok) return false;
  }
  return text[0] != '-';
}

std::string CommandBlock(const std::string& command) {
  return "<div class=\"cmd\"><pre>" + Escape(command) +
         "</pre><button type=\"button\" class=\"copy hidden\">Copy</button></div>\n";
}

// Anchor ids unique within one page, from [A-Za-z0-9_-].
class Anchors {
 public:
  std::string Make(const std::string& prefix, const std::string& name) {
    std::string id = prefix;
    for (char c : name) {
      if (id.size() >= 80) break;
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      id += ok ? c : '_';
    }
    std::string unique = id;
    for (int n = 2; !used_.insert(unique).second; ++n) unique = id + "-" + std::to_string(n);
    return unique;
  }

 private:
  std::set<std::string> used_;
};

std::string CliName(const Json& item) {
  std::string name = StringAt(item, "cli_name");
  if (name.empty()) name = StringAt(item, "name");
  return Cut(name, 100);
}

std::string Type(const std::string& type) {
  return "<span class=\"type\">" + Escape(Cut(type.empty() ? "?" : type, 100)) + "</span>";
}

std::string Description(const Json& item) {
  const std::string text = StringAt(item, "description");
  return text.empty() ? "" : "<p>" + Escape(Cut(text, 2000)) + "</p>";
}

// The table of arguments (or fields) of a function or constructor.
std::string ArgumentTable(const Json& args, bool fields) {
  if (!args.is_array() || args.empty()) return "";
  std::string html = "<table class=\"args\"><thead><tr><th>" +
                     std::string(fields ? "Field" : "Argument") + "</th><th>Type</th>" +
                     (fields ? "" : "<th>Default</th>") +
                     "<th>Description</th></tr></thead><tbody>";
  size_t count = 0;
  for (const Json& arg : args) {
    if (++count > kMaxSiteArguments) {
      html += "<tr><td colspan=\"4\">… " + std::to_string(args.size() - kMaxSiteArguments) +
              " more not shown</td></tr>";
      break;
    }
    html += "<tr><td><code>" + std::string(fields ? "" : "--") + Escape(CliName(arg)) +
            "</code></td><td>" + Type(StringAt(arg, "type")) + "</td>";
    if (!fields) {
      html += "<td>";
      if (arg.is_object() && arg.contains("default")) {
        html += "<code>" + Escape(ShortJson(arg["default"], 120)) + "</code>";
      } else {
        html += IsRequiredArgument(arg) ? "<span class=\"badge warn\">required</span>"
                                        : "<span class=\"muted\">none</span>";
      }
      html += "</td>";
    }
    html += "<td>" + Escape(Cut(StringAt(arg, "description"), 500)) + "</td></tr>";
  }
  return html + "</tbody></table>\n";
}

// " --name <Type>" for each required argument (or "" with ok=false when a name is not safe).
std::string RequiredFlags(const Json& args, bool& ok) {
  std::string flags;
  size_t count = 0;
  for (const Json& arg : ArrayAt(args, "args")) {
    if (++count > kMaxSiteArguments) break;
    if (!IsRequiredArgument(arg)) continue;
    const std::string name = CliName(arg);
    if (!ShellSafe(name, false)) {
      ok = false;
      return "";
    }
    flags += " --" + name + " <" + Cut(StringAt(arg, "type"), 60) + ">";
  }
  return flags;
}

std::string ApiReference(const Json& schema, const std::string& ref, bool ref_ok) {
  const Json& objects = ArrayAt(schema, "objects");
  const Json& enums = ArrayAt(schema, "enums");
  if (objects.empty() && enums.empty()) {
    return "<section class=\"card api\"><h2 id=\"api\">API reference</h2><p class=\"muted\">This "
           "version publishes no schema.</p></section>\n";
  }
  const std::string main_object = StringAt(schema, "main_object");
  Anchors anchors;
  std::string toc, html;
  size_t functions_shown = 0, objects_shown = 0;
  for (const Json& object : objects) {
    if (++objects_shown > 500) break;
    const std::string name = Cut(StringAt(object, "name"), 100);
    if (name.empty()) continue;
    const bool is_main = name == main_object;
    const std::string id = anchors.Make("obj-", name);
    toc += "<li><a href=\"#" + id + "\">" + Escape(name) + "</a></li>";
    html += "<h3 id=\"" + id + "\">" + Escape(name) +
            (is_main ? " <span class=\"badge\">main object</span>" : "") + "</h3>" +
            Description(object);
    const Json& constructor = Member(object, "constructor");
    std::string constructor_flags;
    bool flags_ok = true;
    if (constructor.is_object()) {
      html += "<div class=\"fn\" id=\"" + anchors.Make("new-", name) +
              "\"><div class=\"sig\">constructor</div>" + Description(constructor) +
              ArgumentTable(Member(constructor, "args"), false) + "</div>";
      constructor_flags = RequiredFlags(constructor, flags_ok);
    }
    const Json& fields = ArrayAt(object, "fields");
    if (!fields.empty()) html += "<h4>Fields</h4>" + ArgumentTable(fields, true);
    for (const Json& function : ArrayAt(object, "functions")) {
      if (++functions_shown > kMaxSiteFunctions) break;
      const std::string cli = CliName(function);
      if (cli.empty()) continue;
      const std::string fid = anchors.Make("fn-" + name + "-", cli);
      html += "<div class=\"fn\" id=\"" + fid + "\"><div class=\"sig\"><a href=\"#" + fid + "\">" +
              Escape(cli) + "</a>(";
      size_t count = 0;
      for (const Json& arg : ArrayAt(function, "args")) {
        if (++count > kMaxSiteArguments) {
          html += ", …";
          break;
        }
        html += (count > 1 ? ", " : "") + Escape(CliName(arg)) + ": " + Type(StringAt(arg, "type"));
        if (arg.is_object() && arg.contains("default")) {
          html += " = " + Escape(ShortJson(arg["default"], 60));
        }
      }
      html += "): " + Type(StringAt(function, "returns")) + "</div>" + Description(function) +
              ArgumentTable(Member(function, "args"), false);
      bool ok = flags_ok && ref_ok && ShellSafe(cli, false);
      const std::string flags = RequiredFlags(function, ok);
      if (is_main && ok) {
        html += CommandBlock("host -m " + ref + " call" + constructor_flags + " " + cli + flags);
      }
      html += "</div>\n";
    }
    if (functions_shown > kMaxSiteFunctions) {
      html += "<p class=\"muted\">More functions are not shown (at most " +
              std::to_string(kMaxSiteFunctions) + ").</p>";
      break;
    }
  }
  size_t enums_shown = 0;
  for (const Json& item : enums) {
    if (++enums_shown > 500) break;
    const std::string name = Cut(StringAt(item, "name"), 100);
    if (name.empty()) continue;
    const std::string id = anchors.Make("enum-", name);
    toc += "<li><a href=\"#" + id + "\">" + Escape(name) +
           "</a> <span class=\"muted\">enum</span></li>";
    html += "<h3 id=\"" + id + "\">" + Escape(name) + " <span class=\"badge\">enum</span></h3>" +
            Description(item) + "<ul>";
    size_t values = 0;
    for (const Json& value : ArrayAt(item, "values")) {
      if (++values > 1000) break;
      html += "<li><code>" + Escape(Cut(StringAt(value, "name"), 100)) + "</code> " +
              Escape(Cut(StringAt(value, "description"), 500)) + "</li>";
    }
    html += "</ul>";
  }
  return "<section class=\"card api\"><h2 id=\"api\">API reference</h2><ul>" + toc + "</ul>" +
         html + "</section>\n";
}

std::string DiffFile(const SiteVersion& from, const SiteVersion& to) {
  return "diff/" + from.slug + ".." + to.slug + ".html";
}

// The (older, newer) pairs of version indexes whose diff pages exist.
std::vector<std::pair<size_t, size_t>> DiffPairs(const SiteModule& module) {
  std::vector<std::pair<size_t, size_t>> pairs;
  const size_t n = module.versions.size();
  if (n <= kMaxDiffAllPairs) {
    for (size_t newer = 0; newer < n; ++newer) {
      for (size_t older = newer + 1; older < n; ++older) pairs.emplace_back(older, newer);
    }
  } else {
    for (size_t newer = 0; newer + 1 < n; ++newer) pairs.emplace_back(newer + 1, newer);
  }
  return pairs;
}

// One version in a list of versions (HTML).
std::string VersionItem(const SiteModule& module, size_t i, bool current,
                        const std::string& module_dir) {
  const SiteVersion& v = module.versions[i];
  std::string html = "<li>" + std::string(current ? "<strong>" : "") + "<a href=\"" + module_dir +
                     v.slug + "/index.html\">" + Escape(v.version) + "</a>" +
                     (current ? "</strong>" : "") + " <span class=\"muted\">" +
                     Escape(DisplayDate(v.created)) + "</span>";
  if (i == module.latest) html += " <span class=\"badge ok\">latest</span>";
  if (v.prerelease) html += " <span class=\"badge warn\">pre-release</span>";
  if (v.yanked) {
    html += " <span class=\"badge bad\">yanked</span> <span class=\"muted\">" +
            Escape(Cut(StringAt(Member(*v.json, "yanked"), "reason"), 300)) + "</span>";
  }
  if (module.versions.size() > kMaxDiffAllPairs && i + 1 < module.versions.size()) {
    html += " <a class=\"muted\" href=\"" + module_dir +
            DiffFile(module.versions[i + 1], module.versions[i]) + "\">changes</a>";
  }
  return html + "</li>";
}

// The versions next to current (at most kVersionsPerPage, so that a module with many versions
// does not make every version page list all of them), and a link to the page listing all.
std::string VersionsCard(const SiteModule& module, size_t current, const std::string& module_dir) {
  const size_t n = module.versions.size();
  size_t first = current > kVersionsPerPage / 2 ? current - kVersionsPerPage / 2 : 0;
  const size_t last = std::min(n, first + kVersionsPerPage);
  if (last - first < kVersionsPerPage)
    first = last > kVersionsPerPage ? last - kVersionsPerPage : 0;
  std::string html = "<section class=\"card\"><h2>Versions</h2><ul class=\"versions\">";
  if (module.latest < first || module.latest >= last) {
    html += VersionItem(module, module.latest, module.latest == current, module_dir);
  }
  for (size_t i = first; i < last; ++i) html += VersionItem(module, i, i == current, module_dir);
  html += "</ul>";
  if (n > last - first) {
    html += "<p><a href=\"" + module_dir + "versions.html\">All " + std::to_string(n) +
            " versions</a></p>";
  }
  return html + "</section>\n";
}

std::string DiffCard(const SiteModule& module, size_t current, const std::string& module_dir) {
  if (module.versions.size() < 2) return "";
  std::string html = "<section class=\"card\"><h2 id=\"changes\">API changes</h2>";
  if (module.versions.size() <= kMaxDiffAllPairs) {
    std::string order, options_from, options_to;
    const size_t previous = current + 1 < module.versions.size() ? current + 1 : current;
    for (size_t i = 0; i < module.versions.size(); ++i) {
      const SiteVersion& v = module.versions[i];
      order += (i ? " " : "") + v.slug;
      const std::string value = "<option value=\"" + Escape(v.slug) + "\"";
      const std::string label = ">" + Escape(v.version) + "</option>";
      options_from += value + (i == previous ? " selected" : "") + label;
      options_to += value + (i == current ? " selected" : "") + label;
    }
    html += "<form id=\"diff-form\" class=\"diff-form hidden\" data-base=\"" + module_dir +
            "diff/\" data-order=\"" + Escape(order) + "\"><label>From <select name=\"from\">" +
            options_from + "</select></label><label>to <select name=\"to\">" + options_to +
            "</select></label><button type=\"submit\">Compare</button></form>";
  }
  html +=
      "<details><summary>" +
      std::string(module.versions.size() <= kMaxDiffAllPairs ? "All comparisons"
                                                             : "Comparisons with its neighbours") +
      "</summary><ul>";
  for (const auto& [older, newer] : DiffPairs(module)) {
    // With many versions only neighbours are diffed: this page lists the ones of its version.
    if (module.versions.size() > kMaxDiffAllPairs && older != current && newer != current) continue;
    html += "<li><a href=\"" + module_dir +
            DiffFile(module.versions[older], module.versions[newer]) + "\">" +
            Escape(module.versions[older].version) + " → " +
            Escape(module.versions[newer].version) + "</a></li>";
  }
  return html + "</ul></details></section>\n";
}

std::string Reference(const SiteModule& module, const SiteVersion& version) {
  std::string ref = StringAt(*version.json, "ref");
  if (ref.empty()) {
    const std::string tag = StringAt(*version.json, "tag"),
                      digest = StringAt(*version.json, "digest");
    ref = "oci://" + module.repository + ":" + (tag.empty() ? version.version : tag) +
          (digest.empty() ? "" : "@" + digest);
  }
  return ref;
}

std::string Dependencies(const SiteModel& model, const Json& version, const std::string& root) {
  std::string html;
  size_t count = 0;
  for (const Json& dependency : ArrayAt(version, "dependencies")) {
    if (++count > 200) break;
    if (!dependency.is_string()) continue;
    const std::string text = Cut(dependency.get<std::string>(), 300);
    const long found = model.Find(DependencyRepository(dependency.get<std::string>()));
    if (found >= 0) {
      html += "<li><a href=\"" + root + "modules/" + model.modules[found].slug + "/index.html\">" +
              Escape(model.modules[found].name) + "</a> <code class=\"muted\">" + Escape(text) +
              "</code></li>";
    } else {
      html += "<li><code>" + Escape(text) + "</code></li>";
    }
  }
  return html.empty() ? "none" : "<ul>" + html + "</ul>";
}

std::string VersionPage(const SiteModel& model, const SiteModule& module, size_t index,
                        const SiteOptions& options, const std::string& root,
                        const std::string& module_dir) {
  const SiteVersion& version = module.versions[index];
  const Json& v = *version.json;
  const std::string ref = Reference(module, version);
  const bool ref_ok = ShellSafe(ref, true);
  std::string body = "<p class=\"meta\"><a href=\"" + root + "index.html\">Modules</a> / " +
                     Escape(module.name) + "</p><h1>" + Escape(module.name) +
                     " <span class=\"badge\">" + Escape(version.version) + "</span> " +
                     SignatureBadge(v);
  if (index == module.latest) body += " <span class=\"badge ok\">latest</span>";
  if (version.prerelease) body += " <span class=\"badge warn\">pre-release</span>";
  if (version.yanked) body += " <span class=\"badge bad\">yanked</span>";
  body += "</h1><p class=\"lead\">" + Escape(Cut(StringAt(v, "description"), 2000)) + "</p>\n";
  if (index != module.latest) {
    const SiteVersion& latest = module.Latest();
    body += "<p class=\"note\">This is not the latest version of " + Escape(module.name) +
            ": the latest is <a href=\"" + module_dir + latest.slug + "/index.html\">" +
            Escape(latest.version) + "</a>.</p>\n";
  }
  if (version.yanked) {
    body += "<p class=\"note\">This version was yanked: " +
            Escape(Cut(StringAt(Member(v, "yanked"), "reason"), 500)) + "</p>\n";
  }
  body += "<div class=\"grid\"><div>\n<section class=\"card\"><h2>Install</h2>";
  if (ref_ok) {
    body += CommandBlock("host install " + ref) + CommandBlock("host -m " + ref + " functions");
  } else {
    body +=
        "<p>This version has no usable reference: <code>" + Escape(Cut(ref, 300)) + "</code></p>";
  }
  body += "</section>\n";
  const std::string readme = StringAt(v, "readme");
  if (!readme.empty()) {
    // Markdown can grow 30-fold as HTML (">>>>" nests a block quote per byte): a README whose
    // HTML is too large is not shown, since every version page carries its own.
    std::string html = RenderMarkdown(readme);
    if (html.size() > kMaxReadmeHtmlBytes) {
      html = "<p class=\"muted\">The README is too large to show here (" +
             std::to_string(html.size() / 1024) + " KiB as HTML).</p>";
    }
    body += "<section class=\"card readme\">" + html + "</section>\n";
  }
  body += ApiReference(Member(v, "schema"), ref, ref_ok);
  body += DiffCard(module, index, module_dir);
  body += "</div><aside class=\"side\"><section class=\"card\"><dl>";
  body += "<dt>Repository</dt><dd><code>" + Escape(module.repository) + "</code></dd>";
  body += "<dt>Released</dt><dd>" + Escape(DisplayDate(version.created)) + "</dd>";
  body += "<dt>Digest</dt><dd><code>" + Escape(Cut(StringAt(v, "digest"), 100)) + "</code></dd>";
  body += "<dt>Signature</dt><dd>" + Escape(SignatureText(v)) + "</dd>";
  body += "<dt>Platforms</dt><dd>";
  const std::vector<std::string> platforms = Platforms(v);
  for (const std::string& platform : platforms) {
    body += "<span class=\"badge plat\">" + Escape(platform) + "</span> ";
  }
  const std::string abi = AbiRange(v);
  if (platforms.empty()) body += "built from source on first use";
  body += "</dd>";
  if (!abi.empty()) body += "<dt>Host ABI</dt><dd>" + Escape(abi) + "</dd>";
  const std::string license = Cut(StringAt(v, "license"), 200);
  body += "<dt>License</dt><dd>" + (license.empty() ? "unknown" : Escape(license)) + "</dd>";
  const std::string source = Cut(StringAt(v, "source"), 500);
  const std::string revision = Cut(StringAt(v, "revision"), 100);
  if (!source.empty()) body += "<dt>Source</dt><dd>" + LinkOrText(source) + "</dd>";
  if (!revision.empty()) {
    std::string shown = revision;
    if (IsWebUrl(source) && source.find("github.com/") != std::string::npos &&
        ShellSafe(revision, false)) {
      std::string base = source;
      if (base.size() > 4 && base.substr(base.size() - 4) == ".git") base.resize(base.size() - 4);
      shown = LinkOrText(base + "/tree/" + revision, revision);
    } else {
      shown = LinkOrText(revision);
    }
    body += "<dt>Revision</dt><dd><code>" + shown + "</code></dd>";
  }
  body += "<dt>Dependencies</dt><dd>" + Dependencies(model, v, root) + "</dd>";
  body += "<dt>Used by</dt><dd>";
  if (module.used_by.empty()) body += "no module in this index";
  size_t used = 0;
  for (size_t user : module.used_by) {
    if (++used > 200) break;
    body += (used > 1 ? ", " : "") + std::string("<a href=\"") + root + "modules/" +
            model.modules[user].slug + "/index.html\">" + Escape(model.modules[user].name) + "</a>";
  }
  body += "</dd></dl></section>\n" + VersionsCard(module, index, module_dir) + "</aside></div>\n";
  return PageHtml(options, module.name + " " + version.version, root, body, "module.js");
}

std::string ChangeList(const char* title, const char* css, const std::vector<ApiChange>& changes) {
  if (changes.empty()) return "";
  std::string html = "<h2>" + std::string(title) + " <span class=\"badge\">" +
                     std::to_string(changes.size()) + "</span></h2><ul class=\"changes\">";
  size_t shown = 0;
  for (const ApiChange& change : changes) {
    // Two schemas can differ in hundreds of thousands of places; a page says how many more.
    if (++shown > kMaxDiffChangesShown) {
      html += "<li class=\"muted\">… " + std::to_string(changes.size() - kMaxDiffChangesShown) +
              " more not shown</li>";
      break;
    }
    html += "<li class=\"" + std::string(css) + "\"><code>" + Escape(change.subject) + "</code>" +
            (change.detail.empty() ? "" : ": " + Escape(change.detail)) + "</li>";
  }
  return html + "</ul>";
}

std::string DiffPage(const SiteModule& module, size_t older, size_t newer,
                     const SiteOptions& options) {
  const SiteVersion& from = module.versions[older];
  const SiteVersion& to = module.versions[newer];
  const ApiDiff diff = DiffSchemas(Member(*from.json, "schema"), Member(*to.json, "schema"));
  const std::string root = "../../../";
  std::string body = "<p class=\"meta\"><a href=\"" + root +
                     "index.html\">Modules</a> / <a href=\"" + "../index.html\">" +
                     Escape(module.name) + "</a></p><h1>" + Escape(module.name) +
                     ": API changes</h1><p class=\"lead\">From <a href=\"../" + from.slug +
                     "/index.html\">" + Escape(from.version) + "</a> to <a href=\"../" + to.slug +
                     "/index.html\">" + Escape(to.version) + "</a></p>\n<section class=\"card\">";
  if (diff.empty()) body += "<p>No API changes.</p>";
  body += ChangeList("Added", "added", diff.added) +
          ChangeList("Removed", "removed", diff.removed) +
          ChangeList("Changed", "changed", diff.changed) +
          ChangeList("Descriptions (minor)", "minor", diff.minor);
  body += "</section>\n";
  return PageHtml(options, module.name + " " + from.version + " → " + to.version, root, body, "");
}

// modules/<slug>/versions.html: every version of the module, each with its changes.
std::string VersionsPage(const SiteModule& module, const SiteOptions& options) {
  std::string body =
      "<p class=\"meta\"><a href=\"../../index.html\">Modules</a> / <a "
      "href=\"index.html\">" +
      Escape(module.name) + "</a></p><h1>" + Escape(module.name) + ": " +
      std::to_string(module.versions.size()) +
      " versions</h1>\n<section class=\"card\"><ul class=\"versions\">";
  for (size_t i = 0; i < module.versions.size(); ++i) {
    body += VersionItem(module, i, false, "");
  }
  body += "</ul></section>\n";
  return PageHtml(options, module.name + " versions", "../../", body, "");
}

}  // namespace

Status WriteModulePages(const SiteModel& model, size_t index, const SiteOptions& options,
                        SiteOutput& output) {
  const SiteModule& module = model.modules[index];
  const std::string dir = "modules/" + module.slug + "/";
  if (Status s = output.Write(dir + "index.html",
                              VersionPage(model, module, module.latest, options, "../../", ""));
      !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < module.versions.size(); ++i) {
    if (Status s = output.Write(dir + module.versions[i].slug + "/index.html",
                                VersionPage(model, module, i, options, "../../../", "../"));
        !s.ok()) {
      return s;
    }
  }
  if (module.versions.size() > kVersionsPerPage) {
    if (Status s = output.Write(dir + "versions.html", VersionsPage(module, options)); !s.ok()) {
      return s;
    }
  }
  for (const auto& [older, newer] : DiffPairs(module)) {
    if (Status s = output.Write(dir + DiffFile(module.versions[older], module.versions[newer]),
                                DiffPage(module, older, newer, options));
        !s.ok()) {
      return s;
    }
  }
  return Status();
}

}  // namespace host::index
