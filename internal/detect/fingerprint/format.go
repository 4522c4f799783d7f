package fingerprint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
)

// SniffLen is how many leading bytes SniffFormat wants to see.
const SniffLen = 4096

// SniffFormat identifies a model file format from its first bytes (up to
// SniffLen) and its name. Content decides; the extension only breaks ties
// where the content alone is ambiguous (a bare protobuf is only ONNX when
// named .onnx). It never executes or unpickles anything. It returns "" when
// the content is not a known model format.
func SniffFormat(head []byte, name string) string {
	ext := strings.ToLower(name)
	if i := strings.LastIndex(ext, "."); i >= 0 {
		ext = ext[i:]
	} else {
		ext = ""
	}
	switch {
	case bytes.HasPrefix(head, []byte("GGUF")) && len(head) >= 8:
		if v := binary.LittleEndian.Uint32(head[4:8]); v >= 1 && v <= 16 {
			return "gguf"
		}
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return "keras_hdf5"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return sniffZip(head, ext)
	case len(head) >= 8 && string(head[4:8]) == "TFL3":
		return "tflite"
	}
	if isSafetensors(head) {
		return "safetensors"
	}
	switch lname := strings.ToLower(name); {
	case lname == "saved_model.pb" && len(head) > 0:
		return "tf_saved_model"
	case name == "MLmodel" && bytes.Contains(head, []byte("flavors:")):
		return "mlflow_model"
	case bytes.HasPrefix(head, []byte("tree\nversion=v")):
		return "lightgbm"
	case ext == ".json" && bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")) &&
		bytes.Contains(head, []byte(`"learner"`)) && bytes.Contains(head, []byte(`"gradient_booster"`)):
		return "xgboost_json"
	case ext == ".ubj" && isUBJSONBooster(head):
		return "xgboost_ubjson"
	case (ext == ".pmml" || ext == ".xml") && bytes.Contains(head, []byte("<PMML")):
		return "pmml"
	}
	if isPickle(head, ext) {
		return "pickle"
	}
	if ext == ".onnx" && isONNX(head) {
		return "onnx"
	}
	if ext == ".mlmodel" && isCoreML(head) {
		return "coreml"
	}
	return ""
}

// isUBJSONBooster recognises XGBoost's binary JSON (UBJSON) model, the
// default of save_model("*.ubj") since XGBoost 2.0: an object whose first
// key (XGBoost writes keys sorted) is "learner", its length written as a
// UBJSON integer (int8, uint8, int16, int32 or int64, big-endian).
func isUBJSONBooster(head []byte) bool {
	if len(head) < 2 || head[0] != '{' {
		return false
	}
	var size int
	switch head[1] {
	case 'i', 'U':
		size = 1
	case 'I':
		size = 2
	case 'l':
		size = 4
	case 'L':
		size = 8
	}
	if size == 0 || len(head) < 2+size+len("learner") {
		return false
	}
	var n uint64
	for _, b := range head[2 : 2+size] {
		n = n<<8 | uint64(b)
	}
	return n == uint64(len("learner")) && string(head[2+size:2+size+len("learner")]) == "learner"
}

// sniffZip tells a PyTorch archive (a zip holding data.pkl) and a Keras v3
// archive (config.json + model.weights.h5) from other zips by the member
// names in the first local headers.
func sniffZip(head []byte, ext string) string {
	switch {
	case bytes.Contains(head, []byte("data.pkl")) || bytes.Contains(head, []byte(".data/version")):
		return "pytorch_zip"
	case ext == ".keras" && (bytes.Contains(head, []byte("config.json")) || bytes.Contains(head, []byte("metadata.json"))):
		return "keras_v3"
	}
	return ""
}

// isSafetensors checks the 8-byte little-endian header length followed by a
// JSON object whose values describe tensors (dtype, shape, data_offsets).
func isSafetensors(head []byte) bool {
	if len(head) < 10 {
		return false
	}
	n := binary.LittleEndian.Uint64(head[:8])
	if n < 2 || n > 100<<20 || head[8] != '{' {
		return false
	}
	body := head[8:]
	if uint64(len(body)) >= n {
		body = body[:n]
		var hdr map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimRight(body, " "), &hdr) != nil {
			return false
		}
		for k, v := range hdr {
			if k == "__metadata__" {
				continue
			}
			return bytes.Contains(v, []byte(`"dtype"`)) && bytes.Contains(v, []byte(`"data_offsets"`))
		}
		return len(hdr) > 0
	}
	// Header longer than what we sniffed: require the tensor keys to appear.
	return bytes.Contains(body, []byte(`"dtype"`)) && bytes.Contains(body, []byte(`"data_offsets"`))
}

// isPickle recognises a pickle stream by its PROTO opcode (protocol 2-5)
// followed by a plausible opcode, or by a protocol 0/1 stream that starts
// with a MARK/GLOBAL/dict opcode and ends a STOP. It reads bytes only.
func isPickle(head []byte, ext string) bool {
	if len(head) >= 3 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5 {
		switch head[2] {
		case 0x95, // FRAME
			'}', ']', '(', 'c', 0x8c, 0x8a, 'K', 'M', 'J', 'X', 'q', 0x94, '.', 'N', 0x88, 0x89, 'G', 'U', 0x93:
			return true
		}
		return false
	}
	// Protocol 0/1 is text-like, so it is only considered in files named like
	// pickles: GLOBAL ("c<module>\n<name>\n") then a pickle opcode.
	if !pickleExt[ext] || len(head) < 5 || head[0] != 'c' {
		return false
	}
	nl := bytes.IndexByte(head, '\n')
	if nl <= 1 || nl >= 200 || !isDotted(head[1:nl]) {
		return false
	}
	rest := head[nl+1:]
	nl2 := bytes.IndexByte(rest, '\n')
	if nl2 <= 0 || nl2 >= 200 || !isDotted(rest[:nl2]) || nl2+1 >= len(rest) {
		return false
	}
	return bytes.IndexByte([]byte("(pq)RSV}]NI.ct"), rest[nl2+1]) >= 0
}

// pickleExt are the names pickled objects and models usually carry.
var pickleExt = map[string]bool{"": true, ".pkl": true, ".pickle": true, ".joblib": true, ".bin": true, ".pt": true, ".pth": true, ".ckpt": true, ".model": true, ".sav": true, ".dat": true, ".p": true}

func isDotted(b []byte) bool {
	for _, c := range b {
		if !(isIdentByte(c) || c == '.') {
			return false
		}
	}
	return len(b) > 0
}

// isONNX checks that the file starts like a serialized ModelProto: field 1
// (ir_version, a small varint) followed by one of ModelProto's next fields
// (producer_name, producer_version, domain, model_version, doc_string,
// graph, opset_import).
func isONNX(head []byte) bool {
	if len(head) < 4 || head[0] != 0x08 || head[1] < 1 || head[1] > 15 {
		return false
	}
	switch head[2] {
	case 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42:
		return true
	}
	return false
}

// isCoreML checks for a Core ML Model spec: specificationVersion (field 1,
// a small varint) followed by the description message (field 2).
func isCoreML(head []byte) bool {
	return len(head) >= 4 && head[0] == 0x08 && head[1] >= 1 && head[1] <= 15 && head[2] == 0x12
}
