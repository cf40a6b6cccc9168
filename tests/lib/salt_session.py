"""One masterless Salt minion kept loaded for a test run: real Salt 3006
(../shared/salt-3006, as its salt-call wrapper runs it) answering calls on
stdin, one JSON object a line ({"fun": "state.apply", "args": [...],
"kwargs": {...}}), with one JSON line each ({"ret": ...} or {"error":
"..."}). salt-call pays 1.5 s of start-up per call; this pays it once.
The calls go through salt.client.Caller, which is what salt-call runs.

Run with Debian's /usr/bin/python3 (Salt's dependencies are its packages):
    python3 salt_session.py SALT_LIB WORK [KERNELRELEASE]
WORK/srv is the file root, WORK/pillar the pillar root; the minion's
config and state live under WORK as the wrapper lays them out.
"""
import json
import os
import sys
import traceback
import warnings

warnings.simplefilter("ignore")


def minion_config(work, kernel):
    os.makedirs(os.path.join(work, "srv"), exist_ok=True)
    os.makedirs(os.path.join(work, "pillar"), exist_ok=True)
    os.makedirs(os.path.join(work, "etc"), exist_ok=True)
    os.makedirs(os.path.join(work, "root", "var", "cache", "salt", "minion"),
                exist_ok=True)
    root = os.path.join(work, "root")
    conf = {
        "id": os.environ.get("SALT_ID", "minion"),
        "file_client": "local",
        "file_roots": {"base": [os.path.join(work, "srv")]},
        "pillar_roots": {"base": [os.path.join(work, "pillar")]},
        "root_dir": root,
        "pki_dir": root + "/etc/salt/pki/minion",
        "cachedir": root + "/var/cache/salt/minion",
        "sock_dir": root + "/var/run/salt/minion",
        "pidfile": root + "/var/run/salt-minion.pid",
        "log_file": root + "/var/log/salt/minion",
        "extension_modules": root + "/var/cache/salt/minion/extmods",
        "fileserver_list_cache_time": 0,
        "enable_fqdns_grains": False,
        "grains_cache": True,
    }
    if kernel:
        conf["grains"] = {"kernelrelease": kernel}
    path = os.path.join(work, "etc", "minion")
    with open(path, "w") as f:
        json.dump(conf, f)  # JSON is YAML
    return path


def main():
    lib, work = sys.argv[1], os.path.abspath(sys.argv[2])
    kernel = sys.argv[3] if len(sys.argv) > 3 else None
    sys.path.insert(0, lib)
    import salt.client
    import salt.config
    opts = salt.config.minion_config(minion_config(work, kernel))
    opts["local"] = True
    caller = salt.client.Caller(mopts=opts)
    out = sys.stdout
    # Salt's own chatter must not reach the protocol's stream.
    sys.stdout = sys.stderr
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            ret = caller.cmd(req["fun"], *req.get("args", []),
                             **req.get("kwargs", {}))
            if req["fun"].startswith("saltutil.sync"):
                # What was synced is loaded by a caller made after it.
                caller = salt.client.Caller(mopts=opts)
            reply = {"ret": ret}
        except Exception:  # noqa: BLE001 - said to the test, in full
            reply = {"error": traceback.format_exc()}
        out.write(json.dumps(reply, default=repr) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
