package hostsdk

import (
	"fmt"
	"reflect"

	"hostsdk/pb"
)

// Container is a core Container as the host passes it: an argument, a result or a field of this
// type is an object of the core type. Call its functions with ctx.CallOn("core", c.Object, ...).
type Container struct{ Object *pb.ObjectValue }

// Directory is a core Directory (see Container).
type Directory struct{ Object *pb.ObjectValue }

// File is a core File (see Container).
type File struct{ Object *pb.ObjectValue }

// Secret is a core Secret (see Container).
type Secret struct{ Object *pb.ObjectValue }

// CacheVolume is a core CacheVolume (see Container).
type CacheVolume struct{ Object *pb.ObjectValue }

// coreTypes maps each core type's Go type to its name in the schema.
var coreTypes = map[reflect.Type]string{
	reflect.TypeOf(Container{}):   "Container",
	reflect.TypeOf(Directory{}):   "Directory",
	reflect.TypeOf(File{}):        "File",
	reflect.TypeOf(Secret{}):      "Secret",
	reflect.TypeOf(CacheVolume{}): "CacheVolume",
}

// encodeCore is the wire value of a core object held in v (a Container, a Directory, ...).
func encodeCore(v reflect.Value, name string) (*pb.Value, error) {
	object, _ := v.Field(0).Interface().(*pb.ObjectValue)
	if object == nil {
		return nil, fmt.Errorf("an empty %s: a %s comes from the host (an argument or a call's result)", name, name)
	}
	return &pb.Value{Kind: &pb.Value_ObjectValue{ObjectValue: object}}, nil
}

// decodeCore wraps a wire object of the core type name into a value of Go type t.
func decodeCore(value *pb.Value, t reflect.Type, name, what string) (reflect.Value, error) {
	object := value.GetObjectValue()
	if object == nil || (object.TypeName != "" && object.TypeName != name) {
		return reflect.Value{}, UsageError{fmt.Sprintf("%s: expected a %s, got %s", what, name, describeValue(value))}
	}
	out := reflect.New(t).Elem()
	out.Field(0).Set(reflect.ValueOf(object))
	return out, nil
}

// CallOn calls function on receiver, an object of module (a core object's module is "core"),
// and returns its result:
//
//	file, err := hostsdk.As[*pb.ObjectValue](ctx.CallOn("core", dir.Object, "file", hostsdk.A("path", "a.txt")))
func (c *Ctx) CallOn(module string, receiver *pb.ObjectValue, function string, args ...NamedArg) (*pb.Value, error) {
	if receiver == nil {
		return nil, fmt.Errorf("calling %s.%s: no receiver object", module, function)
	}
	call := &pb.Call{Module: module, Object: receiver.TypeName, Receiver: receiver, Function: function}
	if err := c.addArgs(call, args); err != nil {
		return nil, err
	}
	return c.Chain(call)
}
