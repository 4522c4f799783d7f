package source

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/testenv/benchtest"
)

// benchTree builds (once, cached on disk) the shape of an organisation's
// repository estate: n text files of 1-11 KiB (about 600 MB at 100,000
// files) of code, config and docs in directories of 50, 1% of them
// AI-related (a from_pretrained model reference in every 100th file), a
// provider key planted in every 1,000th file, an `openai` requirement in
// every 100th directory, and five 4 MiB model files (safetensors).
// AISIGHT_BENCH_DIR chooses where it is cached (default: the OS temp dir).
func benchTree(b *testing.B, n int) string {
	b.Helper()
	base := os.Getenv("AISIGHT_BENCH_DIR")
	if base == "" {
		base = os.TempDir()
	}
	dir := filepath.Join(base, fmt.Sprintf("aisight-bench-tree-v2-%d", n))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	words := strings.Fields("def return import class self value result config client request response error handler token model data index user items count string print async await const let func package struct interface yield lambda")
	exts := []string{".py", ".js", ".go", ".ts", ".md", ".yaml", ".json", ".txt"}
	buf := make([]byte, 0, 16<<10)
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("d%03d", i/5000), fmt.Sprintf("s%03d", (i/50)%100))
		if i%50 == 0 {
			if err := os.MkdirAll(d, 0o755); err != nil {
				b.Fatal(err)
			}
			if (i/50)%100 == 0 {
				os.WriteFile(filepath.Join(d, "requirements.txt"), []byte("openai==1.54.0\nrequests\n"), 0o644)
			}
		}
		buf = buf[:0]
		size := 1024 + rng.IntN(10<<10)
		for len(buf) < size {
			indent := rng.IntN(3) * 4
			buf = append(buf, strings.Repeat(" ", indent)...)
			for w := 0; w < 4+rng.IntN(8); w++ {
				buf = append(buf, words[rng.IntN(len(words))]...)
				buf = append(buf, ' ')
			}
			buf = append(buf, '\n')
		}
		ext := exts[i%len(exts)]
		if i%100 == 50 { // AI-related code: a model reference
			ext = ".py"
			buf = append(buf, fmt.Sprintf("model = AutoModel.from_pretrained(\"acme/model-%d\")\n", i)...)
		}
		if i%1000 == 0 {
			buf = append(buf, "OPENAI_API_KEY=sk-proj-"...)
			for range 64 {
				buf = append(buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[rng.IntN(62)])
			}
			buf = append(buf, '\n')
		}
		if err := os.WriteFile(filepath.Join(d, "f"+strconv.Itoa(i)+ext), buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	models := filepath.Join(dir, "models")
	os.MkdirAll(models, 0o755)
	hdr := `{"w":{"dtype":"F16","shape":[2097152],"data_offsets":[0,4194304]}}`
	for i := range benchModelFiles {
		f := make([]byte, 8, 8+len(hdr)+4<<20)
		binary.LittleEndian.PutUint64(f, uint64(len(hdr)))
		f = append(f, hdr...)
		w := make([]byte, 4<<20)
		for j := range w {
			w[j] = byte(rng.IntN(256))
		}
		f = append(f, w...)
		if err := os.WriteFile(filepath.Join(models, fmt.Sprintf("m%d.safetensors", i)), f, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.tmp\nbuild/\nnode_modules/\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
	return dir
}

// benchModelFiles is how many 4 MiB model files benchTree writes.
const benchModelFiles = 5

// peakHeap samples the live heap while f runs and returns the peak in bytes.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak.Load()
}

// rgPatterns is what ripgrep searches for in the comparison: the key
// patterns, model references and the AI SDK requirement, so both tools
// look for the same planted findings.
const rgPatterns = `from_pretrained\("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"|^openai==|sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{34}|ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{20,}|bedrock-api-key-[A-Za-z0-9+/]{40,}|[A-Za-z0-9]{52}JQQJ9[9DH]`

// BenchmarkSourceScan scans generated trees and reports files/s, MB/s, the
// peak live heap, the ratio of its time to `rg -l --hidden` searching the
// same tree for the key patterns, and the built binary's wall time and peak
// RSS. Both tools must find exactly the planted keys (one per 1,000 files),
// or the benchmark fails: a ratio over different results would mean nothing.
// Scans and ripgrep runs alternate; the ratio is the median of the b.N
// pairs (make bench: five, the package run alone, so a neighbour that
// slows one pair moves the median little).
func BenchmarkSourceScan(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if s := os.Getenv("AISIGHT_BENCH_FILES"); s != "" {
		n, _ := strconv.Atoi(s)
		sizes = []int{n}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchTree(b, n)
			_ = scan(b, Options{Paths: []string{dir}}) // warm the page cache for both tools
			rg, err := exec.LookPath("rg")
			if err != nil {
				b.Fatalf("ripgrep is needed for the comparison (make bench installs it): %v", err)
			}
			planted := int64((n + 999) / 1000)
			plantedModels := int64((n + 49) / 100)
			plantedSDKs := int64((n/50 + 99) / 100)
			var files, bytes, keys, models, sdks, modelFiles int64
			var peak uint64
			var scanTime time.Duration
			var pairs []map[string]float64
			b.ResetTimer()
			// Each scan is followed by ripgrep over the same tree, and the
			// ratio is the median of the pairs' ratios: a neighbour slowing
			// the machine for a moment slows both of a pair, not one tool's
			// whole series.
			for range b.N {
				runtime.GC()
				t0 := time.Now()
				peak = max(peak, peakHeap(func() {
					inv := scan(b, Options{Paths: []string{dir}})
					run := inv.Scan.CollectorRuns[0]
					files, bytes = run.Stats["files_scanned"], run.Stats["bytes_scanned"]
					keys, models, sdks, modelFiles = 0, 0, 0, 0
					for _, a := range inv.Assets {
						switch a.Kind {
						case "api_key":
							keys++
						case "model":
							models++
						case "sdk_dependency":
							sdks++
						case "model_file":
							modelFiles++
						}
					}
				}))
				took := time.Since(t0)
				scanTime += took
				b.StopTimer()
				t1 := time.Now()
				out, err := exec.Command(rg, "-l", "--hidden", "-e", rgPatterns, dir).Output()
				if err != nil {
					b.Fatalf("rg: %v", err)
				}
				rgTook := time.Since(t1)
				if got := int64(strings.Count(string(out), "\n")); got != planted+plantedModels+plantedSDKs {
					b.Fatalf("ripgrep found %d files, %d hold planted findings", got, planted+plantedModels+plantedSDKs)
				}
				pairs = append(pairs, map[string]float64{"x-rg-time": took.Seconds() / rgTook.Seconds()})
				b.StartTimer()
			}
			b.StopTimer()
			elapsed := scanTime / time.Duration(b.N)
			benchtest.Metric(b, float64(files)/elapsed.Seconds(), "files/s")
			benchtest.Metric(b, float64(bytes)/elapsed.Seconds()/1e6, "MB/s")
			benchtest.Metric(b, float64(peak)/1e6, "peak-heap-MB")
			if keys != planted || models != plantedModels || sdks != plantedSDKs || modelFiles != benchModelFiles {
				b.Fatalf("the collector found %d keys, %d model references, %d SDKs, %d model files; planted %d, %d, %d, %d",
					keys, models, sdks, modelFiles, planted, plantedModels, plantedSDKs, benchModelFiles)
			}
			benchtest.Metric(b, float64(keys+models+sdks), "findings")
			lo, hi := benchtest.Range(pairs, "x-rg-time")
			benchtest.Metric(b, lo, "x-rg-time-min")
			benchtest.Metric(b, hi, "x-rg-time-max")
			benchtest.Metric(b, benchtest.Median(pairs, "x-rg-time"), "x-rg-time")
			rss, secs := benchtest.Run(b, nil, benchtest.Binary(b, "../.."), "scan", "-q", "--kube=off", "--aws=off", "-o", "json",
				"--out", filepath.Join(b.TempDir(), "scan.json"), dir)
			benchtest.Metric(b, rss, "binary-peak-RSS-MB")
			benchtest.Metric(b, secs, "binary-s")
		})
	}
}
