// Image archives for ctr and docker, made by the ociimage package (`nabla image build`).
package runnc

import (
	"os"
	"testing"

	"github.com/nabla-containers/nabla/internal/runnc/ociimage"
)

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
