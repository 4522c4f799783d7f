package source

import (
	"bytes"
	"slices"
	"testing"
)

// pickleLibs finds each library name however the stream is cut into
// writes, a name split between two writes included, and names only those
// the stream holds.
func TestPickleLibsAcrossWrites(t *testing.T) {
	stream := []byte("\x80\x04\x95csklearn.ensemble._forest\nRandomForestClassifier\nq\x00" +
		"some filler bytes between the globals ctorch._utils\n_rebuild_tensor_v2\n" +
		"csentence_transformers.models\nPooling\n and not xgboost without its dot")
	// As bytes.Contains over the whole stream finds them ("transformers."
	// is inside "sentence_transformers."); xgboost has no dot here.
	want := []string{"torch", "sklearn", "transformers", "sentence_transformers"}
	var whole []string
	for _, lib := range pickleModelLibs {
		if bytes.Contains(stream, []byte(lib+".")) {
			whole = append(whole, lib)
		}
	}
	if !slices.Equal(whole, want) {
		t.Fatalf("the stream holds %v, the test expects %v", whole, want)
	}
	for _, chunk := range []int{1, 2, 7, 31, 32, 33, 64, len(stream)} {
		p := &pickleLibs{}
		for off := 0; off < len(stream); off += chunk {
			p.Write(stream[off:min(off+chunk, len(stream))])
		}
		if got := p.list(); !slices.Equal(got, want) {
			t.Errorf("writes of %d bytes: found %v, want %v", chunk, got, want)
		}
	}
}
