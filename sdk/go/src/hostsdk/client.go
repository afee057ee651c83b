package hostsdk

import (
	"context"
	"fmt"
	"reflect"

	"google.golang.org/protobuf/proto"
	"hostsdk/pb"
)

// Ctx is what a function gets as its first parameter when it asks for one: calls to other modules
// and log lines, both attributed to the call in progress. It is valid only while the call runs.
type Ctx struct {
	context.Context
	engine pb.EngineClient
	id     string
	// Module is the name of the module being called.
	Module string
}

// NamedArg is one argument of a call to another module.
type NamedArg struct {
	Name  string
	Value interface{}
}

// A names an argument of a call: A("text", "hi"). The value is a string, an int or int64, a
// float64, a bool, a slice or pointer of these, an EnumLiteral, or a *pb.Value / *pb.ObjectValue
// (an object another call returned, such as a core Container).
func A(name string, value interface{}) NamedArg { return NamedArg{Name: name, Value: value} }

// EnumLiteral is an enum value passed to another module's function.
type EnumLiteral string

// CallError is a call to another module that failed; Usage is true when the call itself was
// wrong (no such function, a bad argument) rather than the function failing.
type CallError struct {
	Message string
	Usage   bool
}

func (e CallError) Error() string { return e.Message }

// UsageError fails a function as the caller's fault: the CLI exits with 2 instead of 1.
type UsageError struct{ Message string }

func (e UsageError) Error() string { return e.Message }

// plain encodes and decodes values of Go types that need no registration.
var plain = New("", "", "")

// ToValue turns a Go value into a wire value, as A's values are sent.
func ToValue(value interface{}) (*pb.Value, error) {
	switch v := value.(type) {
	case nil:
		return &pb.Value{}, nil
	case *pb.Value:
		return v, nil
	case *pb.ObjectValue:
		return &pb.Value{Kind: &pb.Value_ObjectValue{ObjectValue: v}}, nil
	case EnumLiteral:
		return &pb.Value{Kind: &pb.Value_EnumValue{EnumValue: string(v)}}, nil
	}
	return plain.encode(reflect.ValueOf(value))
}

// Call calls function of module's main object with args and returns its result.
func (c *Ctx) Call(module, function string, args ...NamedArg) (*pb.Value, error) {
	call := &pb.Call{Module: module, Function: function}
	if err := c.addArgs(call, args); err != nil {
		return nil, err
	}
	return c.Chain(call)
}

// addArgs encodes args into call.
func (c *Ctx) addArgs(call *pb.Call, args []NamedArg) error {
	for _, arg := range args {
		value, err := ToValue(arg.Value)
		if err != nil {
			return fmt.Errorf("calling %s.%s, argument '%s': %w", call.Module, call.Function, arg.Name, err)
		}
		if value.GetKind() == nil {
			continue // absent (a nil pointer): left out, so that its default applies
		}
		call.Args = append(call.Args, &pb.NamedValue{Name: arg.Name, Value: value})
	}
	return nil
}

// Chain runs calls in order, each on the previous one's result (the first on its module's main
// object, or on its receiver), and returns the last result.
func (c *Ctx) Chain(calls ...*pb.Call) (*pb.Value, error) {
	request := &pb.CallRequest{Context: c.id}
	for i, call := range calls {
		bytes, err := proto.Marshal(call)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the call of %s.%s: %w", call.Module, call.Function, err)
		}
		request.Steps = append(request.Steps, &pb.Step{Call: bytes, OnPrevious: i > 0})
	}
	response, err := c.engine.Call(c, request)
	if err != nil {
		return nil, fmt.Errorf("the host's engine did not answer a call of %s.%s: %w",
			calls[0].Module, calls[0].Function, err)
	}
	if failure := response.GetFailure(); failure != nil {
		return nil, CallError{Message: failure.Message, Usage: failure.Kind == pb.Failure_KIND_USAGE}
	}
	value := &pb.Value{}
	if err := proto.Unmarshal(response.GetValue(), value); err != nil {
		return nil, fmt.Errorf("the result of %s.%s does not parse: %w", calls[0].Module, calls[0].Function, err)
	}
	return value, nil
}

// Log writes a line attributed to the call (level 1 info, 2 warning, 3 error); the host prints
// it on its standard error.
func (c *Ctx) Log(level int32, message string) error {
	_, err := c.engine.Log(c, &pb.LogRequest{Level: level, Message: message, Context: c.id})
	return err
}

// As decodes a call's result into T (a string, int, int64, float64, bool, a slice or pointer of
// these, *pb.Value or *pb.ObjectValue), passing err through:
//
//	text, err := hostsdk.As[string](ctx.Call("cmod", "shout", hostsdk.A("text", "hi")))
func As[T any](value *pb.Value, err error) (T, error) {
	var out T
	if err != nil {
		return out, err
	}
	switch p := any(&out).(type) {
	case **pb.Value:
		*p = value
		return out, nil
	case **pb.ObjectValue:
		object := value.GetObjectValue()
		if object == nil {
			return out, fmt.Errorf("expected an object, got %s", describeValue(value))
		}
		*p = object
		return out, nil
	}
	decoded, err := plain.decode(value, reflect.TypeOf(out), "the result")
	if err != nil {
		return out, err
	}
	return decoded.Interface().(T), nil
}
