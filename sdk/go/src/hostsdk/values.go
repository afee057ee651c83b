package hostsdk

import (
	"fmt"
	"math"
	"reflect"

	"hostsdk/pb"
)

// encode turns a Go value of a registered type into a wire value.
func (m *Module) encode(v reflect.Value) (*pb.Value, error) {
	t := v.Type()
	if _, ok := m.enums[t]; ok {
		return &pb.Value{Kind: &pb.Value_EnumValue{EnumValue: v.String()}}, nil
	}
	if name, ok := coreTypes[t]; ok {
		return encodeCore(v, name)
	}
	switch t.Kind() {
	case reflect.String:
		return &pb.Value{Kind: &pb.Value_StringValue{StringValue: v.String()}}, nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &pb.Value{Kind: &pb.Value_IntValue{IntValue: v.Int()}}, nil
	case reflect.Float64, reflect.Float32:
		return &pb.Value{Kind: &pb.Value_FloatValue{FloatValue: v.Float()}}, nil
	case reflect.Bool:
		return &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: v.Bool()}}, nil
	case reflect.Slice:
		list := &pb.ListValue{Items: make([]*pb.Value, 0, v.Len())}
		for i := 0; i < v.Len(); i++ {
			item, err := m.encode(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			list.Items = append(list.Items, item)
		}
		return &pb.Value{Kind: &pb.Value_ListValue{ListValue: list}}, nil
	case reflect.Pointer:
		if v.IsNil() {
			if t.Elem().Kind() == reflect.Struct {
				return nil, fmt.Errorf("a nil *%s where an object is expected", t.Elem().Name())
			}
			return &pb.Value{}, nil
		}
		return m.encode(v.Elem())
	case reflect.Struct:
		o, ok := m.byType[t]
		if !ok {
			return nil, fmt.Errorf("struct %v is not registered with Object", t)
		}
		object := &pb.ObjectValue{TypeName: o.def.Name}
		for _, f := range o.fields {
			value, err := m.encode(v.Field(f.index))
			if err != nil {
				return nil, fmt.Errorf("field '%s': %w", f.name, err)
			}
			object.Fields = append(object.Fields, &pb.NamedValue{Name: f.name, Value: value})
		}
		return &pb.Value{Kind: &pb.Value_ObjectValue{ObjectValue: object}}, nil
	}
	return nil, fmt.Errorf("%v has no host type", t)
}

// decode turns a wire value into a Go value of type t; what names the value in errors.
func (m *Module) decode(value *pb.Value, t reflect.Type, what string) (reflect.Value, error) {
	wrong := func(want string) (reflect.Value, error) {
		return reflect.Value{}, UsageError{fmt.Sprintf("%s: expected %s, got %v", what, want, describeValue(value))}
	}
	out := reflect.New(t).Elem()
	if _, ok := m.enums[t]; ok {
		e, ok := value.GetKind().(*pb.Value_EnumValue)
		if !ok {
			return wrong("an enum value")
		}
		out.SetString(e.EnumValue)
		return out, nil
	}
	if name, ok := coreTypes[t]; ok {
		return decodeCore(value, t, name, what)
	}
	if t == reflect.TypeOf(EnumLiteral("")) {
		e, ok := value.GetKind().(*pb.Value_EnumValue)
		if !ok {
			return wrong("an enum value")
		}
		out.SetString(e.EnumValue)
		return out, nil
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := value.GetKind().(*pb.Value_StringValue)
		if !ok {
			return wrong("a string")
		}
		out.SetString(s.StringValue)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, ok := value.GetKind().(*pb.Value_IntValue)
		if !ok {
			return wrong("an integer")
		}
		if out.OverflowInt(i.IntValue) {
			return reflect.Value{}, UsageError{fmt.Sprintf("%s: %d does not fit in a Go %v", what, i.IntValue, t)}
		}
		out.SetInt(i.IntValue)
	case reflect.Float64, reflect.Float32:
		switch f := value.GetKind().(type) {
		case *pb.Value_FloatValue:
			if t.Kind() == reflect.Float32 && !math.IsInf(f.FloatValue, 0) && math.Abs(f.FloatValue) > math.MaxFloat32 {
				return reflect.Value{}, UsageError{fmt.Sprintf("%s: %g does not fit in a float32", what, f.FloatValue)}
			}
			out.SetFloat(f.FloatValue)
		case *pb.Value_IntValue:
			out.SetFloat(float64(f.IntValue))
		default:
			return wrong("a number")
		}
	case reflect.Bool:
		b, ok := value.GetKind().(*pb.Value_BoolValue)
		if !ok {
			return wrong("a boolean")
		}
		out.SetBool(b.BoolValue)
	case reflect.Slice:
		l, ok := value.GetKind().(*pb.Value_ListValue)
		if !ok {
			return wrong("a list")
		}
		items := reflect.MakeSlice(t, 0, len(l.ListValue.Items))
		for i, item := range l.ListValue.Items {
			decoded, err := m.decode(item, t.Elem(), fmt.Sprintf("%s[%d]", what, i))
			if err != nil {
				return reflect.Value{}, err
			}
			items = reflect.Append(items, decoded)
		}
		out.Set(items)
	case reflect.Pointer:
		if value.GetKind() == nil && t.Elem().Kind() != reflect.Struct {
			return out, nil // absent: nil
		}
		inner, err := m.decode(value, t.Elem(), what)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(inner)
		out.Set(p)
	case reflect.Struct:
		object, ok := value.GetKind().(*pb.Value_ObjectValue)
		if !ok {
			return wrong("an object")
		}
		return m.decodeObject(object.ObjectValue, t, what)
	default:
		return reflect.Value{}, fmt.Errorf("%s: %v has no host type", what, t)
	}
	return out, nil
}

// decodeObject fills a struct of type t from an object's fields; fields it does not have keep
// their zero values.
func (m *Module) decodeObject(object *pb.ObjectValue, t reflect.Type, what string) (reflect.Value, error) {
	o, ok := m.byType[t]
	if !ok {
		return reflect.Value{}, fmt.Errorf("%s: struct %v is not registered with Object", what, t)
	}
	out := reflect.New(t).Elem()
	if object == nil {
		return out, nil
	}
	if object.TypeName != "" && object.TypeName != o.def.Name {
		return reflect.Value{}, UsageError{fmt.Sprintf("%s: expected a %s object, got a %s", what, o.def.Name, object.TypeName)}
	}
	for _, named := range object.Fields {
		for _, f := range o.fields {
			if f.name != named.Name {
				continue
			}
			decoded, err := m.decode(named.Value, f.goType, what+"."+f.name)
			if err != nil {
				return reflect.Value{}, err
			}
			out.Field(f.index).Set(decoded)
		}
	}
	return out, nil
}

// describeValue says what kind of value v is, for errors.
func describeValue(v *pb.Value) string {
	switch k := v.GetKind().(type) {
	case nil:
		return "nothing"
	case *pb.Value_StringValue:
		return "a string"
	case *pb.Value_IntValue:
		return "an integer"
	case *pb.Value_FloatValue:
		return "a float"
	case *pb.Value_BoolValue:
		return "a boolean"
	case *pb.Value_EnumValue:
		return "an enum value"
	case *pb.Value_ListValue:
		return "a list"
	case *pb.Value_ObjectValue:
		return "a " + k.ObjectValue.TypeName + " object"
	}
	return "an unknown value"
}
