package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// Counters reported in the run's stats.
const (
	statFilesScanned   = "files_scanned"
	statBytesScanned   = "bytes_scanned"
	statModelFiles     = "model_files_hashed"
	statSkipBinary     = "skipped_binary"
	statSkipTooLarge   = "skipped_too_large"
	statSkipSymlink    = "skipped_symlink"
	statSkipUnreadable = "skipped_unreadable"
	statSkipSpecial    = "skipped_special"
	statSkipIgnored    = "skipped_ignored"
	statParseErrors    = "parse_errors"
	// statTrackedIgnored counts tracked files scanned although .gitignore
	// names them (git's rule: ignore patterns apply to untracked files only).
	statTrackedIgnored = "tracked_ignored_scanned"
	// statDecoded counts files decoded from UTF-16/32; statLossy files
	// read with their invalid UTF-8 bytes replaced.
	statDecoded = "decoded_utf16_32"
	statLossy   = "decoded_invalid_utf8"
)

// skipDirs are never descended into: version-control metadata.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true}

// scanner is the state of one Collect over one root.
type scanner struct {
	c     *Collector
	root  *os.Root
	label string
	scope string
	sink  collectors.Sink
	deps  *depSet
	// importSet holds the SDKs code imports until the manifests are known.
	importSet *importSet
	tf        tfFiles
	// tracked is the git index's file list when the root is in a git work
	// tree (nil otherwise); rule says which ignore rule applies.
	tracked *tracked
	rule    string
	gaps    gaps

	mu    sync.Mutex
	stats map[string]*atomic.Int64
}

func (s *scanner) count(name string, n int64) {
	s.mu.Lock()
	if s.stats == nil {
		s.stats = map[string]*atomic.Int64{}
	}
	c, ok := s.stats[name]
	if !ok {
		c = new(atomic.Int64)
		s.stats[name] = c
	}
	s.mu.Unlock()
	c.Add(n)
}

// run walks the tree on one goroutine and processes files on Workers others.
func (s *scanner) run(ctx context.Context) error {
	files := make(chan job, 256)
	var wg sync.WaitGroup
	for range s.c.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{s: s, ctx: ctx, buf: make([]byte, 64<<10), hashBuf: make([]byte, 256<<10)}
			w.meter, _ = s.sink.(collectors.Meter)
			for j := range files {
				if ctx.Err() == nil { // cancelled: drain the queue without reading
					w.process(j)
				}
				j.dir.release()
				if w.files++; w.files == meterEvery {
					w.flushMeter()
				}
			}
			w.flushMeter()
		}()
	}
	err := s.walk(ctx, ".", s.root, &ignoreSet{}, false, files)
	close(files)
	wg.Wait()
	for name, c := range s.stats {
		s.sink.Count(name, c.Load())
	}
	return err
}

// job is one file to process: its name in an open directory, and its path
// below the scan root.
type job struct {
	dir       *dirRef
	name, rel string
}

// dirRef is an open directory (an os.Root: nothing opened through it can
// leave it) shared by the jobs of its files, closed after the last one:
// opening a file is then one openat of one name, not a walk of its path.
type dirRef struct {
	r    *os.Root
	refs atomic.Int64
	keep bool // the scan root, closed by Collect
}

func (d *dirRef) release() {
	if d.refs.Add(-1) == 0 && !d.keep {
		d.r.Close()
	}
}

// walk visits dir (relative to the root, opened through its parent)
// depth first. Directories are read in name order so that results and
// counts do not depend on the file system. ignoredDir is true below a
// directory that .gitignore names but that holds tracked files: only
// those are scanned there.
func (s *scanner) walk(ctx context.Context, dir string, parent *os.Root, ign *ignoreSet, ignoredDir bool, files chan<- job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ref := &dirRef{r: s.root, keep: true}
	if dir != "." {
		r, err := parent.OpenRoot(path.Base(dir))
		if err != nil {
			s.unreadable(dir+"/", err)
			return nil
		}
		ref = &dirRef{r: r}
	}
	ref.refs.Add(1) // the walk's own reference, released when it is done here
	defer ref.release()
	d, err := ref.r.Open(".")
	if err != nil {
		if dir == "." {
			return collectors.Classed(model.ErrDenied, err)
		}
		s.unreadable(dir+"/", err)
		return nil
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		if dir == "." {
			return collectors.Classed(model.ErrDenied, err)
		}
		s.unreadable(dir+"/", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	if s.rule != ruleNone {
		for _, e := range entries {
			if e.Name() == ".gitignore" && e.Type().IsRegular() {
				if b, err := s.readSmall(join(dir, ".gitignore")); err == nil {
					ign = ign.with(parseGitignore(relBase(dir), b))
				}
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		rel := join(dir, name)
		t := e.Type()
		switch {
		case t&fs.ModeSymlink != 0:
			s.count(statSkipSymlink, 1)
			continue
		case t.IsDir():
			if skipDirs[name] {
				continue
			}
			below := ignoredDir || (s.rule != ruleNone && ign.ignored(rel, true))
			if below && !s.tracked.dir(rel) {
				s.count(statSkipIgnored, 1)
				continue
			}
			if err := s.walk(ctx, rel, ref.r, ign, below, files); err != nil {
				return err
			}
		case t.IsRegular():
			if name == ".gitignore" && s.rule != ruleNone && !s.tracked.file(rel) {
				continue // read above as rules, not content
			}
			if s.rule != ruleNone && (ignoredDir || ign.ignored(rel, false)) {
				if !s.tracked.file(rel) {
					s.count(statSkipIgnored, 1)
					continue
				}
				s.count(statTrackedIgnored, 1)
			}
			ref.refs.Add(1)
			select {
			case files <- job{dir: ref, name: name, rel: rel}:
			case <-ctx.Done():
				ref.refs.Add(-1)
				return ctx.Err()
			}
		default:
			s.count(statSkipSpecial, 1)
		}
	}
	return nil
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

func relBase(dir string) string {
	if dir == "." {
		return ""
	}
	return dir
}

// readSmall reads a small control file (.gitignore) with a size cap.
func (s *scanner) readSmall(rel string) ([]byte, error) {
	f, err := s.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// worker processes files with buffers it reuses.
type worker struct {
	s       *scanner
	ctx     context.Context
	buf     []byte
	hashBuf []byte
	hits    anchors.Hits // the anchor offsets of the file in hand, reused
	// meter hears how far the scan got (the progress line), every
	// meterEvery files a worker has taken.
	meter        collectors.Meter
	files, bytes int64
}

// meterEvery is how many files a worker takes between progress reports.
const meterEvery = 256

func (w *worker) flushMeter() {
	if w.meter != nil && w.files > 0 {
		w.meter.Meter(collectors.MeterFiles, w.files)
		w.meter.Meter(collectors.MeterBytes, w.bytes)
	}
	w.files, w.bytes = 0, 0
}

// ctxReader stops a long read (hashing a large model file) as soon as its
// context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// process opens a file once: it sniffs the head for a model format (and then
// streams the rest into SHA-256), or reads the whole text for findings.
// Nothing a file's author controls makes it silently unread: a file that
// could not be read, a text file that holds binary data, or one over
// --max-file-size is a gap of the scope (the run is partial and names it);
// UTF-16 and UTF-32 are decoded; invalid UTF-8 is read with the invalid
// bytes replaced; provider keys are searched in a binary file's raw bytes.
func (w *worker) process(j job) {
	s := w.s
	rel := j.rel
	f, err := j.dir.r.OpenFile(j.name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		s.unreadable(rel, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.unreadable(rel, err)
		return
	}
	if !fi.Mode().IsRegular() {
		s.count(statSkipSpecial, 1)
		return
	}
	size := fi.Size()
	// A file up to smallFile is read whole in one read (size+1 bytes: the
	// extra byte sees a file that grew); a larger one is sniffed from its head.
	headLen := min(size, int64(fingerprint.SniffLen))
	if size <= smallFile && size <= s.c.opts.MaxFileSize {
		headLen = size + 1
	}
	if int64(cap(w.buf)) < headLen {
		w.buf = make([]byte, headLen)
	}
	head := w.buf[:headLen]
	// One read for a small file: a regular file's read returns fewer bytes
	// than asked only at its end, so size bytes for size+1 asked is the
	// whole file (the EOF read io.ReadFull would add is one system call per
	// file: about 6% of the scan's time on the 100,000-file benchmark
	// tree). Any other short read reads on.
	n, err := f.Read(head)
	if err == nil && n < len(head) && int64(n) != size {
		var m int
		m, err = io.ReadFull(f, head[n:])
		n += m
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		s.unreadable(rel, err)
		return
	}
	head = head[:n]
	if format := fingerprint.SniffFormat(head[:min(len(head), fingerprint.SniffLen)], path.Base(rel)); format != "" {
		w.modelFile(rel, f, head, size, format)
		return
	}
	if size > s.c.opts.MaxFileSize {
		s.count(statSkipTooLarge, 1)
		s.sink.Note(fmt.Errorf("%s not read: %d bytes, over --max-file-size (%d)", rel, size, s.c.opts.MaxFileSize))
		if textName(rel) {
			s.gaps.add(gapTooLarge, rel)
		}
		return
	}
	enc := sniffEncoding(head)
	if enc == encBinary && !textName(rel) {
		// A binary file (an image, an archive): keys in what was read.
		s.count(statSkipBinary, 1)
		s.rawKeys(w, rel, head[:min(len(head), smallFile)])
		return
	}
	content := head
	if headLen <= size { // only the head was read: read the rest
		if content, err = w.readRest(f, head, size); err != nil {
			s.unreadable(rel, err)
			return
		}
	}
	if int64(len(content)) > s.c.opts.MaxFileSize {
		s.count(statSkipTooLarge, 1) // grew while we read it
		s.gaps.add(gapTooLarge, rel)
		return
	}
	switch enc {
	case encUTF8:
		if bytes.IndexByte(content[len(head):], 0) >= 0 { // the head was checked above
			enc = encBinary
		}
	case encBinary:
	default: // UTF-16 or UTF-32; binary data when it decodes to NULs
		if decoded, ok := decodeUnicode(content, enc); ok {
			content, enc = decoded, encUTF8
			s.count(statDecoded, 1)
		} else {
			enc = encBinary
		}
	}
	if enc == encBinary {
		// A file whose name says text holds binary data: named, and its
		// raw bytes still searched for keys.
		s.count(statSkipBinary, 1)
		s.gaps.add(gapBinaryText, rel)
		s.rawKeys(w, rel, content)
		return
	}
	if !utf8.Valid(content) {
		content = replaceInvalidUTF8(content)
		s.count(statLossy, 1)
	}
	s.count(statFilesScanned, 1)
	s.count(statBytesScanned, int64(len(content)))
	w.bytes += int64(len(content))
	s.analyze(&file{rel: rel, base: path.Base(rel), content: content, hits: &w.hits})
}

// rawKeys searches the raw bytes of a file that was not read as text for
// provider keys: an encoding must not hide a key.
func (s *scanner) rawKeys(w *worker, rel string, b []byte) {
	if len(b) == 0 {
		return
	}
	s.keys(&file{rel: rel, base: path.Base(rel), content: b, hits: &w.hits})
}

// smallFile is the size up to which a text file is read in one read.
const smallFile = 256 << 10

// readRest reads the rest of a text file after its head into the worker's buffer.
func (w *worker) readRest(f *os.File, head []byte, size int64) ([]byte, error) {
	limit := w.s.c.opts.MaxFileSize + 1
	want := min(size+1, limit)
	if int64(cap(w.buf)) < want {
		nb := make([]byte, want)
		copy(nb, head)
		w.buf = nb
	}
	b := w.buf[:len(head)]
	for int64(len(b)) < limit {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(int64(2*cap(b))+1, limit))
			copy(nb, b)
			b = nb
			w.buf = nb
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// modelFile reports a model file, hashing it if it is within the size cap.
func (w *worker) modelFile(rel string, f *os.File, head []byte, size int64, format string) {
	s := w.s
	info, _ := s.c.cat.FormatInfo(format)
	src := "file:" + rel
	a := model.Asset{
		ID: fileURI(s.label, rel), Provider: Name, Scope: s.scope, Kind: model.KindModelFile,
		DeploymentType: model.SelfHosted, Name: rel,
		Location: &model.Location{Path: rel},
		Model:    &model.ModelRef{Format: format, Name: path.Base(rel)},
		Facts: []model.Fact{
			model.String("model.format", format, model.Observed, src),
			model.Bool("model.serialization_safe", info.SerializationSafe, model.Observed, src),
			model.Int("file.size_bytes", size, model.Observed, src),
		},
	}
	libs := &pickleLibs{}
	libs.Write(head)
	if s.c.opts.MaxHashSize >= 0 && size <= s.c.opts.MaxHashSize {
		h := sha256.New()
		h.Write(head)
		var sink io.Writer = h
		if format == "pickle" {
			sink = io.MultiWriter(h, libs)
		}
		if _, err := io.CopyBuffer(sink, ctxReader{w.ctx, f}, w.hashBuf); err != nil {
			if w.ctx.Err() == nil {
				s.unreadable(rel, err)
			}
			a.Facts = append(a.Facts, model.Bool("file.hash_skipped", true, model.Observed, "read error"))
		} else {
			sum := "sha256:" + hex.EncodeToString(h.Sum(nil))
			a.Model.Digest = sum
			a.Facts = append(a.Facts, model.String("file.sha256", sum, model.Observed, src))
			s.count(statModelFiles, 1)
		}
	} else {
		why := "larger than --max-hash-size"
		if s.c.opts.MaxHashSize < 0 {
			why = "hashing disabled"
		}
		a.Facts = append(a.Facts, model.Bool("file.hash_skipped", true, model.Observed, why))
	}
	if format == "pickle" {
		found := libs.list()
		a.Facts = append(a.Facts, model.Strings("pickle.libraries", found, model.Observed, src))
		if len(found) == 0 && !modelLikeName(rel) {
			// Plain data (numbers, dicts, DataFrames): not a model, and still
			// code on load.
			a.Kind, a.Model = model.KindSerializedData, nil
		}
	}
	s.sink.Asset(a)
}

// pickleModelLibs are the libraries whose classes in a pickle's GLOBAL
// opcodes make it a model (an estimator, a network, a booster).
var pickleModelLibs = []string{"torch", "sklearn", "xgboost", "lightgbm", "keras", "tensorflow", "catboost", "transformers", "statsmodels", "skops", "onnx", "sentence_transformers", "peft"}

// pickleLibs is an io.Writer that notes which pickleModelLibs a pickle
// stream names ("sklearn.ensemble._forest", "torch._utils"), across the
// chunks it is written in. It never interprets the stream.
type pickleLibs struct {
	tail  []byte
	found map[string]bool
}

func (p *pickleLibs) Write(b []byte) (int, error) {
	if len(p.found) == len(pickleModelLibs) {
		return len(b), nil
	}
	// The chunk itself, and the seam with the previous one (its last bytes
	// and this chunk's first): every name is shorter than keep, so a name
	// split between two writes is whole in the seam. The chunk is not
	// copied.
	const keep = 32
	seam := append(p.tail, b[:min(len(b), keep)]...)
	for _, lib := range pickleModelLibs {
		if !p.found[lib] && (bytes.Contains(b, []byte(lib+".")) || bytes.Contains(seam, []byte(lib+"."))) {
			if p.found == nil {
				p.found = map[string]bool{}
			}
			p.found[lib] = true
		}
	}
	if len(b) >= keep {
		p.tail = append(p.tail[:0], b[len(b)-keep:]...)
	} else {
		p.tail = append(p.tail[:0], seam[max(0, len(seam)-keep):]...)
	}
	return len(b), nil
}

func (p *pickleLibs) list() []string {
	var out []string
	for _, lib := range pickleModelLibs {
		if p.found[lib] {
			out = append(out, lib)
		}
	}
	return out
}

// modelLikeName reports whether a pickle's path says it holds a model (a
// model-like file name, or a models/ or checkpoints/ directory).
func modelLikeName(rel string) bool {
	b := strings.ToLower(rel)
	for _, w := range []string{"model", "clf", "classifier", "regressor", "estimator", "checkpoint", "ckpt", "weights", "pipeline", "booster", "predictor"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}
