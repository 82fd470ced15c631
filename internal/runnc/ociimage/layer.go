// Package ociimage packs a unikernel and a rootfs directory into an image archive
// that `ctr image import` (OCI layout) or `docker load` (docker-archive) accepts, with
// the entrypoint set to the unikernel. `nabla image build` is its command line.
package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// epoch is every entry's mtime: the same inputs give the same layer digest.
var epoch = time.Unix(0, 0)

// layer returns an uncompressed tar of the rootfs directory (may be "") plus the
// unikernel at /name, in lexical order with fixed times and owners.
func layer(rootfs, image, name string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if rootfs != "" {
		err := filepath.WalkDir(rootfs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(rootfs, p)
			if err != nil || rel == "." {
				return err
			}
			rel = filepath.ToSlash(rel)
			if rel == name {
				return fmt.Errorf("rootfs already holds %s, the unikernel's name", name)
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			link := ""
			if info.Mode()&fs.ModeSymlink != 0 {
				if link, err = os.Readlink(p); err != nil {
					return err
				}
			}
			if info.Mode()&fs.ModeSocket != 0 {
				return nil
			}
			h, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return fmt.Errorf("%s: %v", rel, err)
			}
			h.Name = rel
			if info.IsDir() {
				h.Name += "/"
			}
			h.ModTime, h.AccessTime, h.ChangeTime = epoch, time.Time{}, time.Time{}
			h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
			if err := tw.WriteHeader(h); err != nil {
				return fmt.Errorf("%s: %v", rel, err)
			}
			if info.Mode().IsRegular() {
				return copyFile(tw, p, info.Size())
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("rootfs: %v", err)
		}
	}
	st, err := os.Stat(image)
	if err != nil {
		return nil, err
	}
	h := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o755, Size: st.Size(), ModTime: epoch}
	if err := tw.WriteHeader(h); err != nil {
		return nil, err
	}
	if err := copyFile(tw, image, st.Size()); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func copyFile(w io.Writer, p string, size int64) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size))
	if err == nil && n != size {
		err = fmt.Errorf("%s changed size while being packed", p)
	}
	return err
}
