package manifest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// headCases are JSON documents where reading only the head could differ
// from json.Unmarshal: keys in other cases (Kelvin sign included), repeated
// keys, values of the wrong type, null, metadata given twice, escapes.
var headCases = []string{
	`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"b"},"data":{"k":"v"}}`,
	`{"KIND":"ConfigMap","ApiVersion":"v1","Metadata":{"NAME":"a"}}`,
	`{"\u212aind":"ConfigMap","kind":"Service"}`,
	`{"kind":"A","kind":"B","kind":1,"kind":null}`,
	`{"kind":["x"],"metadata":"str","metadata":{"name":"n"},"metadata":{"namespace":"ns"},"metadata":null}`,
	`{"kind":"List","items":[{"kind":"ConfigMap"},1,"s",null,{"kind":"Service"}],"items":null}`,
	`{"kind":"List","items":{"a":1}}`,
	`{"kind":"List","items":[{"kind":"A"}],"items":[]}`,
	`{"kind":"Config\u004dap","metadata":{"name":"a\nb","name":true}}`,
	`{"kind":"ConfigMap"`,
	`[1,2]`,
	`{}`,
}

func TestHeadIsWhatUnmarshalGives(t *testing.T) {
	for _, c := range headCases {
		var want head
		_ = json.Unmarshal([]byte(c), &want)
		if got := headOf([]byte(c)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c, got, want)
		}
	}
}

// FuzzHead: headOf never disagrees with json.Unmarshal.
func FuzzHead(f *testing.F) {
	for _, c := range headCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		var want head
		_ = json.Unmarshal([]byte(c), &want)
		if got := headOf([]byte(c)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", c, got, want)
		}
	})
}
