package hostsdk

import (
	"errors"
	"strings"
	"testing"

	"hostsdk/pb"
)

type shape string

type box struct {
	Label string `doc:"A label."`
	Sizes []int64
	Note  *string
	Kind  shape
	skip  int
	Gone  int `host:"-"`
}

func (b box) Area(ctx *Ctx, width int, height float64, square *bool) (float64, error) {
	if width < 0 {
		return 0, UsageError{"negative"}
	}
	return float64(width) * height, nil
}

func (b *box) Reset() {}

func (b box) Two() (int, int) { return 1, 2 }

func (b box) Map(m map[string]int) int { return len(m) }

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{"Hello": "hello", "BracketsViaCpp": "brackets_via_cpp",
		"HTTPGet": "http_get", "ID": "id", "Sha256Sum": "sha256_sum"} {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSchemaFromGoTypes(t *testing.T) {
	m := New("boxes", "1.0.0", "Boxes.")
	m.Enum(shape(""), "A shape.", EnumValue{"round", "Round."})
	m.Object(box{}, "A box.").
		Function(box.Area, "The area.", Arg("width", "W."), Arg("height", "H.").Default(2), Arg("square", "S.")).
		Function((*box).Reset, "Resets.", Never)
	def, err := m.definition()
	if err != nil {
		t.Fatal(err)
	}
	o := def.Objects[0]
	var fields []string
	for _, f := range o.Fields {
		fields = append(fields, f.Name+":"+f.Type.Kind.String())
	}
	if got := strings.Join(fields, " "); got != "label:TYPE_KIND_STRING sizes:TYPE_KIND_LIST note:TYPE_KIND_STRING kind:TYPE_KIND_ENUM" {
		t.Errorf("fields: %s", got)
	}
	if !o.Fields[2].Type.Optional || o.Fields[0].Description != "A label." {
		t.Errorf("note must be optional and label described: %v", o.Fields)
	}
	area := o.Functions[0]
	if area.Name != "area" || len(area.Args) != 3 || area.ReturnType.Kind != pb.TypeKind_TYPE_KIND_FLOAT {
		t.Fatalf("area: %v", area)
	}
	if area.Args[1].DefaultValue.GetIntValue() != 0 || area.Args[1].DefaultValue.GetFloatValue() != 2 {
		t.Errorf("height's default is the float 2: %v", area.Args[1].DefaultValue)
	}
	if !area.Args[2].Type.Optional || o.Functions[1].ReturnType.Kind != pb.TypeKind_TYPE_KIND_VOID ||
		o.Functions[1].Cache != pb.CachePolicy_CACHE_POLICY_NEVER {
		t.Errorf("square optional, reset void and never cached: %v", o.Functions)
	}
}

func TestMistakesAreAllReported(t *testing.T) {
	m := New("boxes", "1.0.0", "Boxes.")
	m.Object(box{}, "A box.").
		Function(box.Area, "Too few names.", Arg("width", "W.")).
		Function(box.Two, "Two results.").
		Function(box.Map, "A map.", Arg("m", "M.")).
		Function(box{}.Two, "Bound.").
		Function(strings.ToUpper, "Not a method.")
	_, err := m.definition()
	if err == nil {
		t.Fatal("a wrongly declared module must be refused")
	}
	for _, want := range []string{"takes 3 argument(s) but 1 hostsdk.Arg were given", "returns 2 values",
		"map[string]int has no host type", "not a bound method", "field box.Kind: hostsdk.shape is a named string type that is not registered"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestInvokeDecodesArgumentsAndEncodesResults(t *testing.T) {
	m := New("boxes", "1.0.0", "Boxes.")
	m.Enum(shape(""), "A shape.", EnumValue{"round", "Round."})
	m.Object(box{}, "A box.").
		Function(box.Area, "The area.", Arg("width", "W."), Arg("height", "H."), Arg("square", "S."))
	if _, err := m.definition(); err != nil {
		t.Fatal(err)
	}
	call := &pb.Call{Function: "area", Args: []*pb.NamedValue{
		{Name: "width", Value: &pb.Value{Kind: &pb.Value_IntValue{IntValue: 3}}},
		{Name: "height", Value: &pb.Value{Kind: &pb.Value_FloatValue{FloatValue: 1.5}}}}}
	v, err := m.invoke(call, nil)
	if err != nil || v.GetFloatValue() != 4.5 {
		t.Fatalf("area(3, 1.5) = %v, %v", v, err)
	}
	call.Args[0].Value = &pb.Value{Kind: &pb.Value_IntValue{IntValue: -1}}
	if _, err := m.invoke(call, nil); !errors.As(err, &UsageError{}) {
		t.Errorf("a UsageError stays one: %v", err)
	}
	call.Args[0].Value = &pb.Value{Kind: &pb.Value_StringValue{StringValue: "3"}}
	if _, err := m.invoke(call, nil); err == nil || !strings.Contains(err.Error(), "argument 'width': expected an integer, got a string") {
		t.Errorf("a string for an Int: %v", err)
	}
	constructed, err := m.invoke(&pb.Call{}, nil)
	if err != nil || constructed.GetObjectValue().GetTypeName() != "box" || len(constructed.GetObjectValue().Fields) != 4 {
		t.Errorf("the constructor makes a box with its 4 fields: %v, %v", constructed, err)
	}
}

func TestAsDecodesPlainResults(t *testing.T) {
	list := &pb.Value{Kind: &pb.Value_ListValue{ListValue: &pb.ListValue{Items: []*pb.Value{
		{Kind: &pb.Value_StringValue{StringValue: "a"}}, {Kind: &pb.Value_StringValue{StringValue: "b"}}}}}}
	got, err := As[[]string](list, nil)
	if err != nil || strings.Join(got, ",") != "a,b" {
		t.Errorf("As[[]string] = %v, %v", got, err)
	}
	if _, err := As[int64](list, nil); err == nil {
		t.Error("a list is not an int64")
	}
	absent, err := As[*string](&pb.Value{}, nil)
	if err != nil || absent != nil {
		t.Errorf("an absent value is a nil pointer: %v, %v", absent, err)
	}
	color, err := As[EnumLiteral](&pb.Value{Kind: &pb.Value_EnumValue{EnumValue: "red"}}, nil)
	if err != nil || color != "red" {
		t.Errorf("As[EnumLiteral] = %v, %v", color, err)
	}
	encoded, err := ToValue(EnumLiteral("blue"))
	if err != nil || encoded.GetEnumValue() != "blue" {
		t.Errorf("ToValue(EnumLiteral) = %v, %v", encoded, err)
	}
}
