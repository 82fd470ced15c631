// Image archives for ctr and docker, made by the ociimage package (`nabla image build`).
package runnc

import (
	"bytes"
	"os"
	"testing"

	"github.com/nabla-containers/nabla/internal/nablacli"
	"github.com/nabla-containers/nabla/internal/runnc/ociimage"
)

// nablaImageBuild runs `nabla image build ARGS...` in-process.
func nablaImageBuild(t *testing.T, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	if err := nablacli.App(nil, &out, &errb).Run(append([]string{"nabla", "image", "build"}, args...)); err != nil {
		t.Fatalf("nabla image build %q: %v\n%s", args, err, errb.String())
	}
}

// writeImage packs the guest test image name into an archive at path: OCI layout for
// ctr, docker-archive for docker.
func writeImage(t *testing.T, path, ref, name string, args, env []string, docker bool) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &ociimage.Spec{Ref: ref, Image: image(t, name), Args: args, Env: env}
	if docker {
		err = ociimage.WriteDocker(f, s)
	} else {
		err = ociimage.WriteOCI(f, s)
	}
	if err != nil {
		t.Fatal(err)
	}
}
