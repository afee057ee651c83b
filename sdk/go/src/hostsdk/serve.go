package hostsdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"hostsdk/pb"
)

// server answers the runtime's Describe and Invoke calls for one module.
type server struct {
	pb.UnimplementedModuleServer
	module    *Module
	described []byte
	problem   error
	engine    pb.EngineClient
}

func (s *server) Describe(context.Context, *pb.DescribeModuleRequest) (*pb.DescribeModuleResponse, error) {
	if s.problem != nil {
		return nil, status.Error(codes.FailedPrecondition, s.problem.Error())
	}
	return &pb.DescribeModuleResponse{Module: s.described, BuildInfo: "go " + runtime.Version()}, nil
}

func (s *server) Invoke(ctx context.Context, request *pb.InvokeRequest) (*pb.InvokeResponse, error) {
	call := &pb.Call{}
	if err := proto.Unmarshal(request.Call, call); err != nil {
		return nil, status.Error(codes.InvalidArgument, "the call does not parse: "+err.Error())
	}
	value, err := s.module.invoke(call, &Ctx{Context: ctx, engine: s.engine, id: request.Context, Module: s.module.name})
	if err != nil {
		message := err.Error()
		if message == "" {
			message = fmt.Sprintf("%T", err)
		}
		bytes, _ := proto.Marshal(&pb.Error{Message: message})
		var usage UsageError
		return &pb.InvokeResponse{Outcome: &pb.InvokeResponse_Error{Error: bytes},
			InvalidArgument: errors.As(err, &usage)}, nil
	}
	bytes, err := proto.Marshal(value)
	if err != nil {
		return nil, status.Error(codes.Internal, "cannot encode the result: "+err.Error())
	}
	return &pb.InvokeResponse{Outcome: &pb.InvokeResponse_Value{Value: bytes}}, nil
}

// invoke runs one call: the constructor (no function) or a function of an object.
func (m *Module) invoke(call *pb.Call, ctx *Ctx) (result *pb.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	var o *Object
	for _, candidate := range m.objects {
		if candidate.def.Name == call.Object || (call.Object == "" && candidate == m.objects[0]) {
			o = candidate
		}
	}
	if o == nil {
		return nil, UsageError{fmt.Sprintf("module '%s' has no object '%s'", m.name, call.Object)}
	}
	if call.Function == "" {
		return m.encode(reflect.New(o.goType).Elem())
	}
	fn, ok := o.functions[call.Function]
	if !ok {
		return nil, UsageError{fmt.Sprintf("object '%s' has no function '%s'", o.def.Name, call.Function)}
	}
	self, err := m.decodeObject(call.Receiver, o.goType, "the receiver")
	if err != nil {
		return nil, err
	}
	if fn.pointer {
		p := reflect.New(o.goType)
		p.Elem().Set(self)
		self = p
	}
	in := []reflect.Value{self}
	if fn.takesCtx {
		in = append(in, reflect.ValueOf(ctx))
	}
	for i, def := range fn.def.Args {
		var value *pb.Value
		for _, named := range call.Args {
			if named.Name == def.Name {
				value = named.Value
			}
		}
		if value == nil {
			value = &pb.Value{}
		}
		decoded, err := m.decode(value, fn.argTypes[i], "argument '"+def.Name+"'")
		if err != nil {
			return nil, err
		}
		in = append(in, decoded)
	}
	out := fn.method.Call(in)
	if fn.returnsEr {
		if e := out[len(out)-1]; !e.IsNil() {
			return nil, e.Interface().(error)
		}
	}
	if fn.returns == nil {
		return &pb.Value{}, nil
	}
	value, err := m.encode(out[0])
	if err != nil {
		return nil, fmt.Errorf("the result of %s: %w", call.Function, err)
	}
	return value, nil
}

// Serve serves the module to the host runtime that started this process, until the runtime stops
// it. It returns only on failure, after printing why on standard error, with exit code 1 (2 when
// the program was not started by host).
func (m *Module) Serve() {
	if err := m.serve(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", m.name, err)
		var usage UsageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// serve is Serve without the exit.
func (m *Module) serve() error {
	moduleSocket := os.Getenv("HOST_MODULE_SOCKET")
	engineSocket := os.Getenv("HOST_ENGINE_SOCKET")
	if moduleSocket == "" || engineSocket == "" {
		return UsageError{"HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET are not set: this program is a " +
			"host module, which host starts itself; run it with host -m FOLDER call ..."}
	}
	s := &server{module: m}
	// A module declared wrongly still serves: Describe answers why, and the host reports it.
	if def, err := m.definition(); err != nil {
		s.problem = err
	} else if s.described, err = proto.Marshal(def); err != nil {
		s.problem = err
	}
	conn, err := grpc.Dial(engineSocket, grpc.WithInsecure())
	if err != nil {
		return fmt.Errorf("cannot reach the host's engine at %s: %w", engineSocket, err)
	}
	defer conn.Close()
	s.engine = pb.NewEngineClient(conn)
	path := strings.TrimPrefix(moduleSocket, "unix://")
	listener, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("cannot serve on %s: %w", moduleSocket, err)
	}
	grpcServer := grpc.NewServer(grpc.MaxRecvMsgSize(1<<31-1), grpc.MaxSendMsgSize(1<<31-1))
	pb.RegisterModuleServer(grpcServer, s)
	// The runtime ends this process with SIGTERM; should the runtime itself die first, this process
	// is handed to another parent, and stops too.
	parent := os.Getppid()
	go func() {
		for range time.Tick(time.Second) {
			if os.Getppid() != parent {
				grpcServer.Stop()
				return
			}
		}
	}()
	if err := grpcServer.Serve(listener); err != nil {
		return fmt.Errorf("serving on %s: %w", moduleSocket, err)
	}
	return nil
}
