// A private containerd with the CRI plugin, as tests/runnc's CRI tests and the bench's
// Kubernetes rows run it: its configuration, the CNI bridge network, and the stop of a
// daemon started in its own process group.
package containerdtest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// CRIToolsVersion is the cri-tools release whose crictl the tests build, the Makefile's
// CRI_TOOLS (`make setup` prebuilds it into CrictlPath).
const CRIToolsVersion = "v1.37.0"

// CrictlPath is where that crictl is kept.
var CrictlPath = filepath.Join("/var/cache/nabla/cri-tools", CRIToolsVersion, "crictl")

// CNIBinDir is where Debian's containernetworking-plugins puts bridge, host-local, loopback.
const CNIBinDir = "/usr/lib/cni"

// criConfig: everything under one directory, apparmor off (the host's profiles are not
// ours to load), oom_score_adj no lower than containerd's own (this machine refuses
// lowering it, as a nested container host may), the stream server on loopback, runc as
// the default handler with its state under the directory too.
const criConfig = `version = 2
root = %[1]q
state = %[2]q
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = %[3]q
[ttrpc]
  address = "%[3]s.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = %[4]q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %[5]q
  disable_apparmor = true
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_tls_streaming = false
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = %[6]q
  conf_dir = %[7]q
  max_conf_num = 1
[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  Root = %[8]q
%[9]s
`

// CRIConfig is the configuration of a containerd with CRI whose root, state, opt and runc
// state are under dir, listening on sock, with the CNI configuration in cniConfDir and
// runtimes (TOML: the handlers beyond runc) appended.
func CRIConfig(dir, sock, sandboxImage, cniConfDir, runtimes string) string {
	return fmt.Sprintf(criConfig, filepath.Join(dir, "root"), filepath.Join(dir, "state"), sock, filepath.Join(dir, "opt"),
		sandboxImage, CNIBinDir, cniConfDir, filepath.Join(dir, "runc-root"), runtimes)
}

// CNIBridgeConflist is network name: a bridge with host-local addresses from subnet, the
// IPAM state under dir.
func CNIBridgeConflist(dir, name, bridge, subnet string) string {
	return fmt.Sprintf(`{
  "cniVersion": "1.0.0",
  "name": %q,
  "plugins": [
    {"type": "bridge", "bridge": %q, "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "dataDir": %q, "ranges": [[{"subnet": %q}]], "routes": [{"dst": "0.0.0.0/0"}]}}
  ]
}
`, name, bridge, filepath.Join(dir, "cni-ipam"), subnet)
}

// StopGroup ends a daemon started with Setpgid (through nsenter, which execs it, so the
// pid is the daemon's): SIGTERM, then SIGKILL to its process group after 15 s; then
// unmounts what it left under each of dirs, so they can be removed.
func StopGroup(cmd *exec.Cmd, dirs ...string) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	for _, d := range dirs {
		exec.Command("umount", "-R", d).Run()
	}
}
