package tflconv

import flatbuffers "github.com/google/flatbuffers/go"

func newBuilder() *flatbuffers.Builder { return flatbuffers.NewBuilder(0) }
