package workload

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/aisight/aisight/model"
)

var (
	// HFRepoID matches a Hugging Face repository id ("org/name").
	HFRepoID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	// HFURI matches hf://org/name[@revision] and captures the id and revision.
	HFURI     = regexp.MustCompile(`^hf://([A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*)(?:@([A-Za-z0-9._-]+))?`)
	commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)
	// OllamaModel matches an Ollama library model: name[:tag], namespace/name[:tag]
	// or hf.co/org/repo[:quant].
	OllamaModel = regexp.MustCompile(`^(?:hf\.co/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+|(?:[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*)(?::[A-Za-z0-9._-]+)?$`)
)

// RevisionPinned reports whether a model revision is an immutable commit hash
// (a branch or tag name such as "main" or "v1" can move).
func RevisionPinned(rev string) bool { return commitSHA.MatchString(rev) }

// ModelShaped accepts a Hugging Face repo id, a storage URI or an absolute path.
func ModelShaped(v string) bool {
	if HFRepoID.MatchString(v) {
		return !strings.Contains(v, "..")
	}
	for _, p := range []string{"hf://", "s3://", "gs://", "pvc://", "oci://", "azureblob://", "https://huggingface.co/", "ollama://"} {
		if strings.HasPrefix(v, p) && len(v) > len(p) {
			return true
		}
	}
	return strings.HasPrefix(v, "/") && len(v) > 1 && !strings.ContainsAny(v, "$*")
}

// SplitModelURI turns "hf://org/name@rev" into ("org/name", "rev"); any other
// id is returned unchanged with an empty revision.
func SplitModelURI(id string) (string, string) {
	if m := HFURI.FindStringSubmatch(id); m != nil {
		return m[1], m[2]
	}
	return id, ""
}

// DescribeModel fills a ModelRef from an id and revision; unknown stays empty.
func DescribeModel(id, rev string) model.ModelRef {
	ref := model.ModelRef{Revision: rev}
	switch {
	case HFRepoID.MatchString(id):
		ref.Publisher, ref.Name, _ = strings.Cut(id, "/")
		ref.SourceURI = "hf://" + id
	case strings.HasPrefix(id, "hf://"):
		p := strings.TrimPrefix(id, "hf://")
		ref.Publisher, ref.Name, _ = strings.Cut(p, "/")
		ref.SourceURI = id
	default:
		ref.SourceURI = id
		p := id
		if u, err := url.Parse(id); err == nil && u.Scheme != "" {
			p = u.Host + u.Path // the name is the last path segment, never the query
		}
		ref.Name = p[strings.LastIndexByte(strings.TrimRight(p, "/"), '/')+1:]
	}
	return ref
}

// StorageSchemes are the URI schemes of object stores and volumes that
// hold model weights, with the model.source each names.
var StorageSchemes = []struct{ Prefix, Source string }{
	{"s3://", "s3"}, {"gs://", "gcs"}, {"azureblob://", "azure_blob"}, {"abfs://", "azure_blob"}, {"abfss://", "azure_blob"},
	{"wasbs://", "azure_blob"}, {"pvc://", "pvc"}, {"oci://", "oci"}, {"dbfs:/", "dbfs"}, {"r2://", "r2"}, {"cos://", "cos"},
}

// StorageScheme returns the scheme of StorageSchemes id starts with, and
// the rest of id after it.
func StorageScheme(id string) (source, rest string, ok bool) {
	for _, s := range StorageSchemes {
		if rest, ok := strings.CutPrefix(id, s.Prefix); ok {
			return s.Source, rest, true
		}
	}
	return "", "", false
}

// ModelSource names where a model id points: huggingface, a storage
// scheme's source (s3, gcs, azure_blob, pvc, oci, dbfs, r2, cos), ollama,
// http (another web server) or local_path.
func ModelSource(id string) string {
	if src, _, ok := StorageScheme(id); ok {
		return src
	}
	switch {
	case HFRepoID.MatchString(id), strings.HasPrefix(id, "hf://"), strings.HasPrefix(id, "https://huggingface.co/"):
		return "huggingface"
	case strings.HasPrefix(id, "ollama://"):
		return "ollama"
	case strings.HasPrefix(id, "https://"), strings.HasPrefix(id, "http://"):
		host := ""
		if u, err := url.Parse(id); err == nil {
			host = u.Hostname()
		}
		switch {
		case strings.HasSuffix(host, ".blob.core.windows.net"):
			return "azure_blob"
		case strings.HasSuffix(host, ".amazonaws.com"):
			return "s3"
		case host == "storage.googleapis.com":
			return "gcs"
		}
		return "http"
	}
	return "local_path"
}

// ModelArg finds a model id in container args given as one of names
// ("--model X", "--model=X") and a revision given as one of revNames.
func ModelArg(args, names, revNames []string) (id, rev string) {
	for i, a := range args {
		name, val, hasVal := strings.Cut(a, "=")
		isModel, isRev := slices.Contains(names, name), slices.Contains(revNames, name)
		if !isModel && !isRev {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		switch {
		case isModel && ModelShaped(val) && id == "":
			id = val
		case isRev:
			rev = val
		}
	}
	return id, rev
}
