package source

import (
	"bytes"
	"strings"

	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// isModelfile reports an Ollama Modelfile: "Modelfile" or "*.modelfile".
func isModelfile(base string) bool {
	b := strings.ToLower(base)
	return b == "modelfile" || strings.HasSuffix(b, ".modelfile")
}

// modelfile reports the model an Ollama Modelfile builds on (its FROM: a
// library model, a Hugging Face GGUF repo or a local weights file), as a
// model reference located at the FROM line.
func (s *scanner) modelfile(f *file) {
	off := 0
	for line := range bytes.Lines(f.content) {
		at := off
		off += len(line)
		fields := strings.Fields(string(line))
		if len(fields) < 2 || !strings.EqualFold(fields[0], "FROM") {
			continue
		}
		from := fields[1]
		var id string
		switch {
		case strings.HasPrefix(from, "hf.co/") || strings.HasPrefix(from, "huggingface.co/"):
			id = "ollama://" + from
		case strings.HasPrefix(from, "/") || strings.HasPrefix(from, "./") || strings.HasSuffix(strings.ToLower(from), ".gguf") || strings.HasSuffix(strings.ToLower(from), ".safetensors"):
			id = from
		case workload.OllamaModel.MatchString(from):
			id = "ollama://" + from
		default:
			continue
		}
		r := ModelRef{ID: id, Via: "modelfile", Offset: at}
		where := f.location(at)
		a := modelAsset(s.label, s.scope, f.rel, where.Line, r)
		a.Facts = append(a.Facts, model.String("source.context", f.contextAt(at), model.Inferred, "file:"+f.rel))
		s.sink.Asset(a)
		return // the base model: one FROM
	}
}
