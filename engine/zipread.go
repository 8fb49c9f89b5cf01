package engine

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// A reader of the zip archive TFLite's metadata writer appends to a model
// (labels.go), for the few things readLabels needs: the central directory's
// names and sizes, and a file's bytes, stored or deflated, CRC-checked. It
// is not archive/zip because that package, with what it keeps reachable
// (its deflate writer, time's formatting and parsing through
// zip.FileHeader), made the engine's WebAssembly module 338 KB bigger
// (90 KB gzipped, of 1.94 MB) for reading a few label lines. Archives it
// does not read (zip64, encrypted, other compression methods) give no
// labels, as archive/zip's errors did; zipread_test.go compares the two.

const (
	zipEndSig     = 0x06054b50 // end of central directory record
	zipEndLen     = 22
	zipDirSig     = 0x02014b50 // central directory file header
	zipDirLen     = 46
	zipLocalSig   = 0x04034b50 // local file header
	zipLocalLen   = 30
	zipMaxComment = 0xffff
)

// zipFile is one file of a zip archive's central directory.
type zipFile struct {
	Name                             string
	Method                           uint16
	CRC32                            uint32
	CompressedSize, UncompressedSize uint32
	local                            int // the local header's offset in the archive's bytes
}

// zipFiles lists the files of the zip archive at the end of b, nil if b
// ends with none (or one this reader does not read), as archive/zip's
// NewReader finds it: the last end record in the final 64 KiB whose comment
// fits in b, and offsets relative to where the archive starts in b (after
// the model) unless they point at the central directory as they are.
func zipFiles(b []byte) []zipFile {
	le := binary.LittleEndian
	end := -1
	for i := len(b) - zipEndLen; i >= 0 && i >= len(b)-zipEndLen-zipMaxComment; i-- {
		if le.Uint32(b[i:]) == zipEndSig {
			if i+zipEndLen+int(le.Uint16(b[i+20:])) > len(b) {
				return nil
			}
			end = i
			break
		}
	}
	if end < 0 {
		return nil
	}
	records, size, offset := int(le.Uint16(b[end+10:])), int64(le.Uint32(b[end+12:])), int64(le.Uint32(b[end+16:]))
	if records == 0xffff || size == 0xffffffff || offset == 0xffffffff {
		return nil // zip64
	}
	base := int64(end) - size - offset
	if base < 0 {
		return nil
	}
	if base > 0 && offset+4 <= int64(len(b)) && le.Uint32(b[offset:]) == zipDirSig {
		base = 0
	}
	var files []zipFile
	p := base + offset
	for p+zipDirLen <= int64(len(b)) && le.Uint32(b[p:]) == zipDirSig {
		h := b[p:]
		n, m, k := int64(le.Uint16(h[28:])), int64(le.Uint16(h[30:])), int64(le.Uint16(h[32:]))
		if p+zipDirLen+n+m+k > int64(len(b)) {
			return nil
		}
		local := base + int64(le.Uint32(h[42:]))
		files = append(files, zipFile{
			Name:             string(h[zipDirLen : zipDirLen+n]),
			Method:           le.Uint16(h[10:]),
			CRC32:            le.Uint32(h[16:]),
			CompressedSize:   le.Uint32(h[20:]),
			UncompressedSize: le.Uint32(h[24:]),
			local:            int(min(local, int64(len(b)))),
		})
		p += zipDirLen + n + m + k
	}
	if uint16(len(files)) != uint16(records) {
		return nil
	}
	return files
}

// read returns f's bytes in the archive b (as zipFiles read it), false if
// they are not there whole, use another method than store or deflate, or
// fail their CRC.
func (f zipFile) read(b []byte) ([]byte, bool) {
	le := binary.LittleEndian
	if f.CompressedSize == 0xffffffff || f.UncompressedSize == 0xffffffff || f.local+zipLocalLen > len(b) || le.Uint32(b[f.local:]) != zipLocalSig {
		return nil, false
	}
	if flags := le.Uint16(b[f.local+6:]); flags&1 != 0 {
		return nil, false // encrypted
	}
	start := int64(f.local) + zipLocalLen + int64(le.Uint16(b[f.local+26:])) + int64(le.Uint16(b[f.local+28:]))
	if start+int64(f.CompressedSize) > int64(len(b)) {
		return nil, false
	}
	data := b[start : start+int64(f.CompressedSize)]
	var out []byte
	switch f.Method {
	case 0: // stored
		out = data
	case 8: // deflated
		var err error
		zr := flate.NewReader(bytes.NewReader(data))
		out, err = io.ReadAll(io.LimitReader(zr, int64(f.UncompressedSize)+1))
		if err != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	if len(out) != int(f.UncompressedSize) || f.CRC32 != 0 && crc32.ChecksumIEEE(out) != f.CRC32 {
		return nil, false
	}
	return out, true
}
