#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/; the files are
committed, this script says where they came from. Files it does not write (inputs that once
crashed a target, kept as regressions) are left alone. With an OCI layout (one that
tests/fixtures/images/make-whiteout-image.sh writes), its index, manifests, configs and small
layers are added too. Usage: make_corpus.py [OCI_LAYOUT_DIR]"""
import gzip
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
D1 = "sha256:" + "a" * 64
D2 = "sha256:" + "0123456789abcdef" * 4


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def manifest():
    for root in ("tests", "modules", "bench"):
        for dirpath, _, files in os.walk(os.path.join(TOP, root)):
            if "module.json" in files and "node_modules" not in dirpath:
                rel = os.path.relpath(dirpath, TOP).replace("/", "-")
                with open(os.path.join(dirpath, "module.json"), "rb") as f:
                    put("manifest", rel + ".json", f.read())
    put("manifest", "full.json", json.dumps({
        "name": "full", "version": "1.2.3-rc.1+build", "description": "d", "sdk": "node",
        "source": "src", "object": "lib/x.so",
        "runtime": {"command": ["node", "index.js"], "start_timeout": 5, "call_timeout": 0},
        "dependencies": [{"name": "dep-a", "source": "../a", "pin": D1}, {"name": "dep-b"}]}))
    put("manifest", "twice.json", '{"name":"x","dependencies":[{"name":"a"},{"name":"a"}]}')
    put("manifest", "bad-timeout.json", '{"name":"x","runtime":{"command":["x"],"start_timeout":1e300}}')
    put("manifest", "nested.json", "[" * 64 + "]" * 64)


def oci_manifest():
    # The first byte picks the Content-Type (0: none, 1: OCI manifest, 2: OCI index, 3: Docker
    # manifest, 4: Docker list, ...); 8 is an image config.
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [
                 {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": D1,
                  "size": 559, "platform": {"architecture": "amd64", "os": "linux"}},
                 {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": D2,
                  "size": 559, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
                 {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": D2,
                  "size": 1, "platform": {"architecture": "unknown", "os": "unknown"}}]}
    image = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": D1,
                        "size": 376},
             "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                         "digest": D2, "size": 1035094}]}
    docker = dict(image, mediaType="application/vnd.docker.distribution.manifest.v2+json")
    config = {"architecture": "amd64", "os": "linux",
              "config": {"Env": ["PATH=/usr/bin:/bin"], "Entrypoint": ["/bin/sh", "-c"],
                         "Cmd": ["sh"], "WorkingDir": "/w", "User": "1000:1000"},
              "rootfs": {"type": "layers", "diff_ids": [D1, D2]}}
    put("oci_manifest", "index", b"\x02" + json.dumps(index).encode())
    put("oci_manifest", "index-untyped", b"\x00" + json.dumps(index).encode())
    put("oci_manifest", "manifest", b"\x01" + json.dumps(image).encode())
    put("oci_manifest", "manifest-docker", b"\x03" + json.dumps(docker).encode())
    put("oci_manifest", "list-docker", b"\x04" + json.dumps(
        dict(index, mediaType="application/vnd.docker.distribution.manifest.list.v2+json")).encode())
    put("oci_manifest", "schema1", b"\x00" + b'{"schemaVersion":1,"name":"x","fsLayers":[]}')
    put("oci_manifest", "config", b"\x08" + json.dumps(config).encode())
    put("oci_manifest", "config-null", b"\x08" + b'{"config":{"Env":null,"Cmd":null},"rootfs":{"diff_ids":[]}}')


def host_config():
    put("host_config", "full.json", json.dumps({
        "mirrors": {"docker.io": ["http://127.0.0.1:5000/", "https://mirror.example"]},
        "insecure": ["registry.local:5000", "[::1]:5000"],
        "auths": {"ghcr.io": {"username": "u", "password": "p"},
                  "https://index.docker.io/v1/": {"token": "t"}},
        "runtime": "crun", "tag_ttl": "5m", "cache_size": "20GB"}))
    put("host_config", "numbers.json", '{"tag_ttl": 0, "runtime": "runc", "cache_size": "1.5 GiB"}')
    put("host_config", "ttl-huge.json", '{"tag_ttl": 18446744073709551615}')
    put("host_config", "duration", "90s")
    put("host_config", "empty.json", "{}")


def tar_bytes(entries, fmt=tarfile.PAX_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    # Without the padding to 10 KB that tarfile adds: the two zero blocks that end it are enough.
    data = out.getvalue().rstrip(b"\0")
    return data + b"\0" * (-len(data) % 512 + 1024)


def entry(name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644, **extra):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    for key, value in extra.items():
        setattr(info, key, value)
    return info, (data if kind == tarfile.REGTYPE else None)


def layer():
    d = tarfile.DIRTYPE
    plain = tar_bytes([entry("etc/", d, mode=0o755), entry("etc/hosts", data=b"127.0.0.1 x\n"),
                       entry("bin/", d, mode=0o755), entry("bin/sh", data=b"#!\n", mode=0o4755),
                       entry("bin/ash", tarfile.SYMTYPE, link="sh"),
                       entry("bin/hard", tarfile.LNKTYPE, link="bin/sh")])
    put("layer", "plain.tar", plain)
    put("layer", "plain.tar.gz", gzip.compress(plain, mtime=0))
    zstd = shutil.which("zstd")
    if zstd:
        put("layer", "plain.tar.zst", subprocess.run([zstd, "-q", "-c"], input=plain,
                                                     stdout=subprocess.PIPE, check=True).stdout)
    put("layer", "whiteouts.tar", tar_bytes([
        entry("data/", d), entry("data/.wh.gone"), entry("opaque/", d),
        entry("opaque/.wh..wh..opq"), entry("opaque/new", data=b"new\n"),
        entry("x/.wh..wh.plnk"), entry(".wh.top")]))
    put("layer", "escape-symlink.tar", tar_bytes([
        entry("out", tarfile.SYMTYPE, link="../outside"), entry("out/pwned", data=b"x"),
        entry("abs", tarfile.SYMTYPE, link="/tmp"), entry("abs/pwned", data=b"x")]))
    put("layer", "escape-dotdot.tar", tar_bytes([entry("../outside/pwned", data=b"x")]))
    put("layer", "escape-hardlink.tar", tar_bytes([
        entry("h", tarfile.LNKTYPE, link="../outside/sentinel")]))
    put("layer", "escape-replace.tar", tar_bytes([
        entry("d/", d), entry("d", tarfile.SYMTYPE, link="../outside"),
        entry("d/f", data=b"x"), entry("./..", d)]))
    put("layer", "nodes.tar", tar_bytes([
        entry("dev/", d), entry("dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3),
        entry("dev/sda", tarfile.BLKTYPE, devmajor=8, devminor=0),
        entry("fifo", tarfile.FIFOTYPE)]))
    put("layer", "long-names.tar", tar_bytes([
        entry("a/" * 60 + "f", data=b"deep"), entry("n" * 200, data=b"long")],
        fmt=tarfile.GNU_FORMAT))
    xattr = entry("x", data=b"x")
    xattr[0].pax_headers = {"SCHILY.xattr.user.k": "v", "SCHILY.xattr.trusted.overlay.opaque": "y"}
    put("layer", "xattrs.tar", tar_bytes([xattr]))
    sparse = entry("sparse", data=b"")
    sparse[0].pax_headers = {"size": "8000000000"}
    put("layer", "big-size.tar", tar_bytes([sparse]))
    put("layer", "empty", b"")


def module_archive():
    d = tarfile.DIRTYPE
    module = tar_bytes([entry("module.json", data=b'{"name": "m", "version": "0.1.0", "sdk": "c"}'),
                        entry("src/", d, mode=0o755), entry("src/m.c", data=b"int m;\n"),
                        entry("src/link", tarfile.SYMTYPE, link="m.c"),
                        entry("include", tarfile.SYMTYPE, link="src")])
    put("module_archive", "module.tar.gz", gzip.compress(module, mtime=0))
    put("module_archive", "module.tar", module)
    put("module_archive", "escapes.tar", tar_bytes([
        entry("/abs", data=b"x"), entry("../up", data=b"x"),
        entry("a/l", tarfile.SYMTYPE, link="../../outside"),
        entry("self", tarfile.SYMTYPE, link="."), entry("back", tarfile.SYMTYPE, link="self/.."),
        entry("h", tarfile.LNKTYPE, link="module.json"), entry(".git/config", data=b"x"),
        entry("suid", data=b"x", mode=0o4755), entry("fifo", tarfile.FIFOTYPE)]))
    put("module_archive", "empty", b"")


def path_filter():
    put("path_filter", "gitignore", "# build output\nbuild/\n*.o\n!keep.o\n/node_modules\n"
        "docs/**/*.tmp  \r\n\n===\nbuild/x.o\nsrc/a.o\nsrc/main.cc\nnode_modules/x\n")
    put("path_filter", "include", "*.log\n+++\nsrc\n*.cc\n[a-c]?.h\n===\nsrc/x.cc\nab.h\n"
        "a/b/c.log\n/abs\n../up\n./src/y.cc\n")
    put("path_filter", "classes", "[!a-z]*\n\\*\n**\n===\nA\n*\nz/\n")


def cli_args():
    # Field 0: a type byte (see fuzz_schema.h SchemaTypes: 0 String, 1 Int, 2 Float, 3 Boolean,
    # 4 Mood, 5 Main, 6 [String], 7 [Int], 8 [Float], 9 [Boolean], 10 [Mood], 11 [[Int]],
    # 12 String?) and the flag name; then one text per occurrence.
    def args(kind, name, *texts):
        return bytes([kind]) + name.encode() + b"".join(b"\0" + t.encode() for t in texts)
    put("cli_args", "string", args(0, "name", "world"))
    put("cli_args", "int", args(1, "timesCount", "-9223372036854775808"))
    put("cli_args", "float", args(2, "ratio", "1e300"))
    put("cli_args", "bool", args(3, "loud", "true"))
    put("cli_args", "enum", args(4, "mood", "HAPPY"))
    put("cli_args", "object", args(5, "main", "x"))
    put("cli_args", "list-quoted", args(6, "tags", 'a,"b,c","d""e"', "f"))
    put("cli_args", "list-int", args(7, "counts", "1,2,3", "4"))
    put("cli_args", "list-enum", args(10, "moods", "HAPPY,GRUMPY"))
    put("cli_args", "repeated", args(1, "with_mood", "1", "2"))


def wire_value():
    # First byte: 0 Value, 1 Call, 2 ModuleDef; then the protobuf encoding. Encoded by hand, to
    # need no protobuf module: field numbers from sdk/proto/host/v1/wire.proto.
    def varint(n):
        out = b""
        while True:
            b = n & 0x7F
            n >>= 7
            if n:
                out += bytes([b | 0x80])
            else:
                return out + bytes([b])

    def field(number, payload):
        if isinstance(payload, int):
            return varint(number << 3) + varint(payload)
        if isinstance(payload, str):
            payload = payload.encode()
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    # Value: string_value, int_value, ... as wire.proto numbers them.
    proto = open(os.path.join(TOP, "sdk/proto/host/v1/wire.proto")).read()
    block = proto[proto.index("message Value {"):]
    block = block[:block.index("}")]
    numbers = {}
    for line in block.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "=":
            numbers[parts[1]] = int(parts[3].rstrip(";"))
    s = lambda text: field(numbers["string_value"], text)
    i = lambda n: field(numbers["int_value"], n)
    e = lambda text: field(numbers["enum_value"], text)
    lst = lambda *items: field(numbers["list_value"], b"".join(field(1, it) for it in items))
    obj = field(numbers["object_value"], field(1, "Main") + field(2, "id1") +
                field(3, field(1, "greeting") + field(2, s("hi"))))
    put("wire_value", "value-string", b"\x00" + s("hello"))
    put("wire_value", "value-int", b"\x00" + i(42))
    put("wire_value", "value-enum", b"\x00" + e("HAPPY"))
    put("wire_value", "value-list", b"\x00" + lst(s("a"), s("b")))
    put("wire_value", "value-nested", b"\x00" + lst(lst(i(1), i(2)), lst(i(3))))
    put("wire_value", "value-object", b"\x00" + obj)
    # Call: module 1, object 2, receiver 3, function 4, args 5 (NamedValue: name 1, value 2).
    put("wire_value", "call-hello", b"\x01" + field(2, "Main") + field(4, "say-hello") +
        field(5, field(1, "arg-1") + field(2, i(3))) + field(5, field(1, "arg_6") + field(2, lst(s("x")))))
    put("wire_value", "call-mood", b"\x01" + field(1, "fuzzmod") + field(2, "Main") +
        field(4, "with_mood") + field(5, field(1, "mood") + field(2, e("GRUMPY"))))
    put("wire_value", "call-field", b"\x01" + field(2, "Main") + field(4, "greeting"))
    # ModuleDef: name 1, main_object 4, objects 5 (ObjectDef: name 1, fields 3, functions 4),
    # enums 6. TypeRef: kind 1, name 2, element 3.
    string_type = field(1, 1)
    function = field(1, "run") + field(3, field(1, "x") + field(3, string_type)) + field(4, string_type)
    module = (field(1, "m") + field(4, "Main") +
              field(5, field(1, "Main") + field(3, field(1, "f") + field(3, string_type)) +
                    field(4, function)) +
              field(6, field(1, "E") + field(3, field(1, "A"))))
    put("wire_value", "module", b"\x02" + module)


def fnv1a64(text):
    value = 14695981039346656037
    for byte in text.encode():
        value = ((value ^ byte) * 1099511628211) % (1 << 64)
    return value


def store_size_index():
    def index(lines):
        body = "host store-size index 1\n" + "".join(line + "\n" for line in lines)
        return body + "sum %016x\n" % fnv1a64(body)
    put("store_size_index", "empty", index(["walked 1700000000"]))
    put("store_size_index", "stores", index(["walked 1700000000", "store blobs 4096 1",
                                             "store sources 0 0", "store steps 1234567 12"]))
    put("store_size_index", "bad-sum", index(["walked 1", "store steps 1 1"])[:-3] + "00\n")
    put("store_size_index", "truncated", index(["walked 1", "store steps 1 1"])[:30])


def source_index():
    def u64(value):
        return struct.pack("<Q", value)

    def text(data):
        return u64(len(data)) + data

    def record(path, size, racy):
        return (text(path) + u64(size) + u64(1700000000 * 10**9) + u64(1700000000 * 10**9) +
                u64(42) + u64(2049) + u64((0o100644 << 1) | racy) + bytes(range(32)))
    head = b"host-source-index-1\n" + u64(1700000000 * 10**9)
    put("source_index", "empty", head + text(b"") + u64(0))
    put("source_index", "files", head + text(b"ab" * 32) + u64(3) + record(b"a/b", 4, 0) +
        record(b"a-c", 5, 1) + record(b"name with\nnewline", 0, 0))
    put("source_index", "unordered", head + text(b"") + u64(2) + record(b"b", 1, 0) +
        record(b"a", 1, 0))


def module_ref():
    refs = {
        "github": "github.com/acme/modules/pulumi@v1.2.0",
        "constraint": "https://github.com/acme/modules/probe@v1",
        "gitlab-subgroup": "gitlab.com/g/sub/repo.git/mod@main",
        "ssh-port": "ssh://git@host.example:2222/acme/modules.git/probe@3f2a9c1",
        "scp": "git@github.com:acme/modules/probe@v1.0.0",
        "other-host": "git.example.org/a/b/c.git/d/e@feature/x-1",
        "oci-tag": "oci://127.0.0.1:5000/acme/pulumi:1.2.0",
        "oci-both": "oci://ghcr.io/a/b/c:v1@" + D2,
        "dotdot": "github.com/acme/m/../x",
        "local": "./mods/a/b",
    }
    for name, text in refs.items():
        put("module_ref", name, text)
    put("module_ref", "rewrite", "github.com/acme => http://127.0.0.1:8080/git/acme\n"
        "github.com => mirror.example/gh\n===\ngithub.com/acme/modules/probe@v1")
    put("module_ref", "rewrite-deep", "github.com/acme/modules/probe => http://h/p.git\n===\n"
        "github.com/acme/modules/probe/inner@v2")


def oci_layout(layout):
    """Seeds from a real OCI layout: its index.json and every JSON blob (manifests and configs),
    and its layers under 4 KB."""
    with open(os.path.join(layout, "index.json"), "rb") as f:
        put("oci_manifest", "layout-index", b"\x00" + f.read())
    blobs = os.path.join(layout, "blobs", "sha256")
    for name in sorted(os.listdir(blobs)):
        with open(os.path.join(blobs, name), "rb") as f:
            data = f.read()
        if data.startswith(b"{"):
            kind = b"\x08" if b'"rootfs"' in data else b"\x00"
            put("oci_manifest", "layout-" + name[:12], kind + data)
        elif len(data) < 4096:
            put("layer", "layout-" + name[:12], data)


def index_site():
    """Catalogs as the crawler writes them (docs: the catalog JSON), and odd shapes."""
    schema = {"name": "pulumi", "main_object": "Pulumi", "objects": [
        {"name": "Pulumi", "description": "Pulumi stacks.",
         "constructor": {"args": [{"name": "v", "cli_name": "v", "type": "String"}]},
         "fields": [{"name": "n", "cli_name": "n", "type": "Int"}],
         "functions": [{"name": "preview", "cli_name": "preview", "returns": "String",
                        "args": [{"name": "src", "cli_name": "src", "type": "Directory"},
                                 {"name": "x", "cli_name": "x", "type": "Int?", "default": 3}]}]}],
        "enums": [{"name": "Part", "values": [{"name": "MAJOR"}]}]}
    def version(v, yanked=None, state="signed"):
        return {"version": v, "tag": "v" + v, "digest": D1,
                "ref": "oci://r:5000/mods/pulumi:v" + v + "@" + D1,
                "created": "2026-12-01T10:00:00Z", "description": "Runs Pulumi <b>",
                "license": "MIT", "source": "https://github.com/acme/mods", "revision": "abc",
                "readme": "# Hi\n<script>x</script>\n[a](javascript:1)\n| a |\n|---|\n| b |\n",
                "schema": schema, "dependencies": ["oci://r:5000/mods/semver:v1@" + D1],
                "platforms": [{"os": "linux", "architecture": "amd64", "abi": 3}],
                "hostAbi": {"min": 3, "max": 4},
                "signature": {"state": state, "fingerprint": "SHA256:k", "trusted": True,
                              "problem": "bad"},
                "yanked": yanked}
    catalog = {"catalogVersion": 1, "generated": "2026-12-07T13:00:00Z",
               "registries": ["r:5000/mods"], "problems": ["r:5000/mods/x: broken"],
               "modules": [
                   {"name": "pulumi", "repository": "r:5000/mods/pulumi",
                    "versions": [version("1.3.0-rc.1"), version("1.2.0"),
                                 version("1.1.0", {"reason": "broken"}, "invalid")]},
                   {"name": "semver", "repository": "r:5000/mods/semver",
                    "versions": [version("1.0.0", None, "unsigned")]},
                   {"name": "pulumi", "repository": "other/pulumi",
                    "versions": [version("../../etc")]}]}
    put("index_site", "catalog", json.dumps(catalog).encode())
    put("index_site", "odd", json.dumps({"catalogVersion": 1, "modules": [
        1, {"name": ".."}, {"name": "a", "versions": [{"version": "."}, {"version": 2}]}]}).encode())
    put("index_markdown", "readme",
        b"# T\n\n<img src=x onerror=y>\n\n* [a](vbscript:x)\n\n~~s~~ www.example.com\n"
        b"\x00" + json.dumps(schema).encode())
    put("index_markdown", "schemas", json.dumps(schema).encode() + b"\n" +
        json.dumps({"objects": [{"name": "Pulumi"}]}).encode())


if __name__ == "__main__":
    manifest()
    oci_manifest()
    host_config()
    layer()
    module_archive()
    path_filter()
    cli_args()
    wire_value()
    store_size_index()
    source_index()
    module_ref()
    index_site()
    if len(sys.argv) > 1:
        oci_layout(sys.argv[1])
