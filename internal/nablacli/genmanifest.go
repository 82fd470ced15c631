// `nabla gen-manifest`: manifest JSON to the C source of the manifest note.
package nablacli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/mft"
)

// maxManifestJSON bounds the JSON input; a real manifest is a few KiB at most.
const maxManifestJSON = 1 << 20

func genManifestCommand() *cli.Command {
	return &cli.Command{
		Name:      "gen-manifest",
		Usage:     "generate the manifest note C source from a manifest JSON file",
		ArgsUsage: "IN.json OUT.c   (- for stdin / stdout)",
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return fmt.Errorf("gen-manifest: want 2 arguments (IN.json OUT.c), got %d", c.NArg())
			}
			return GenManifest(c.App.Reader, c.App.Writer, c.Args().Get(0), c.Args().Get(1))
		},
	}
}

// GenManifest reads the JSON manifest at in ("-": stdin) and writes the C note source
// to out ("-": stdout). A file is replaced only once the whole output is ready.
func GenManifest(stdin io.Reader, stdout io.Writer, in, out string) error {
	var b []byte
	var err error
	if in == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, maxManifestJSON+1))
	} else {
		b, err = readFileLimited(in, maxManifestJSON)
	}
	if err != nil {
		return fmt.Errorf("gen-manifest: %v", err)
	}
	if len(b) > maxManifestJSON {
		return fmt.Errorf("gen-manifest: %s: larger than %d bytes", in, maxManifestJSON)
	}
	m, err := mft.ParseJSON(b)
	if err != nil {
		return fmt.Errorf("gen-manifest: %s: %v", in, err)
	}
	src := m.GenerateC()
	if out == "-" {
		_, err = stdout.Write(src)
		return err
	}
	return writeFileAtomic(out, src)
}

// readFileLimited reads at most limit+1 bytes of a file, so the caller can tell that
// it was too large without reading all of it.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// writeFileAtomic writes data to a temporary file beside path and renames it over path,
// so a failed run never leaves a half-written source file for make to pick up.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nabla-gen-*")
	if err != nil {
		return fmt.Errorf("gen-manifest: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("gen-manifest: %v", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("gen-manifest: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("gen-manifest: %v", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("gen-manifest: %v", err)
	}
	return nil
}
