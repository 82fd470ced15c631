// `nabla inspect`: print an image's ABI note, machine, entry and manifest as JSON.
package nablacli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "validate a unikernel image and print its ABI and manifest as JSON",
		ArgsUsage: "KERNEL",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("inspect: want 1 argument (KERNEL), got %d", c.NArg())
			}
			return Inspect(c.App.Writer, c.Args().First())
		},
	}
}

// InspectResult is what `nabla inspect` prints. Manifest has the gen-manifest input
// shape (no reserved entry), or is null when the image has no manifest note.
type InspectResult struct {
	ABI      InspectABI `json:"abi"`
	Machine  string     `json:"machine"`
	Entry    string     `json:"entry"`
	Manifest *mft.Doc   `json:"manifest"`
}

// InspectABI is the ABI1 note: target name ("spt", or the number if unknown) and version.
type InspectABI struct {
	Target  any    `json:"target"`
	Version uint32 `json:"version"`
}

// Inspect validates the image at path (structure, notes and manifest) and writes the
// JSON description to w.
func Inspect(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("inspect: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("inspect: %v", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("inspect: %s: not a regular file", path)
	}
	img, err := elf.Parse(f, st.Size())
	if err != nil {
		return fmt.Errorf("inspect: %s: %v", path, err)
	}
	res := InspectResult{
		ABI:     InspectABI{Target: img.ABITarget, Version: img.ABIVersion},
		Machine: elf.MachineName(img.Machine),
		Entry:   fmt.Sprintf("%#x", img.Entry),
	}
	if name := abi.TargetName(img.ABITarget); name != "" {
		res.ABI.Target = name
	}
	if img.Manifest != nil {
		m, err := mft.Parse(img.Manifest)
		if err != nil {
			return fmt.Errorf("inspect: %s: %v", path, err)
		}
		d := m.Doc()
		res.Manifest = &d
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("inspect: %v", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
