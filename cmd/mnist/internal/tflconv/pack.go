package tflconv

import (
	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/int8scope/int8scope/engine/tflite"
)

// bufferAlign is the schema's force_align for Buffer.data.
const bufferAlign = 16

// Marshal serializes m with the "TFL3" file identifier.
//
// It is ModelT.Pack from the generated object API except for the buffers:
// flatc's Go generator ignores the schema's force_align: 16 on Buffer.data
// (BufferT.Pack uses CreateByteString, which aligns to 4), so the buffer data
// vectors are written here with StartVector(1, n, 16). Everything else uses the
// generated Pack methods in the same order as ModelT.Pack.
func Marshal(m *tflite.ModelT) []byte {
	b := flatbuffers.NewBuilder(0)
	b.FinishWithFileIdentifier(packModel(b, m), []byte("TFL3"))
	return b.FinishedBytes()
}

func packVector(b *flatbuffers.Builder, offsets []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(offsets), 4)
	for i := len(offsets) - 1; i >= 0; i-- {
		b.PrependUOffsetT(offsets[i])
	}
	return b.EndVector(len(offsets))
}

func packBuffer(b *flatbuffers.Builder, t *tflite.BufferT) flatbuffers.UOffsetT {
	data := flatbuffers.UOffsetT(0)
	if t.Data != nil {
		b.StartVector(1, len(t.Data), bufferAlign)
		for i := len(t.Data) - 1; i >= 0; i-- {
			b.PlaceByte(t.Data[i])
		}
		data = b.EndVector(len(t.Data))
	}
	tflite.BufferStart(b)
	tflite.BufferAddData(b, data)
	tflite.BufferAddOffset(b, t.Offset)
	tflite.BufferAddSize(b, t.Size)
	return tflite.BufferEnd(b)
}

func packModel(b *flatbuffers.Builder, t *tflite.ModelT) flatbuffers.UOffsetT {
	var opcodes, subgraphs, buffers, metadata, sigs flatbuffers.UOffsetT
	if t.OperatorCodes != nil {
		offs := make([]flatbuffers.UOffsetT, len(t.OperatorCodes))
		for i, oc := range t.OperatorCodes {
			offs[i] = oc.Pack(b)
		}
		opcodes = packVector(b, offs)
	}
	if t.Subgraphs != nil {
		offs := make([]flatbuffers.UOffsetT, len(t.Subgraphs))
		for i, sg := range t.Subgraphs {
			offs[i] = sg.Pack(b)
		}
		subgraphs = packVector(b, offs)
	}
	description := b.CreateString(t.Description)
	if t.Buffers != nil {
		offs := make([]flatbuffers.UOffsetT, len(t.Buffers))
		for i, buf := range t.Buffers {
			offs[i] = packBuffer(b, buf)
		}
		buffers = packVector(b, offs)
	}
	metadataBuffer := flatbuffers.UOffsetT(0)
	if t.MetadataBuffer != nil {
		tflite.ModelStartMetadataBufferVector(b, len(t.MetadataBuffer))
		for i := len(t.MetadataBuffer) - 1; i >= 0; i-- {
			b.PrependInt32(t.MetadataBuffer[i])
		}
		metadataBuffer = b.EndVector(len(t.MetadataBuffer))
	}
	if t.Metadata != nil {
		offs := make([]flatbuffers.UOffsetT, len(t.Metadata))
		for i, md := range t.Metadata {
			offs[i] = md.Pack(b)
		}
		metadata = packVector(b, offs)
	}
	if t.SignatureDefs != nil {
		offs := make([]flatbuffers.UOffsetT, len(t.SignatureDefs))
		for i, sd := range t.SignatureDefs {
			offs[i] = sd.Pack(b)
		}
		sigs = packVector(b, offs)
	}
	tflite.ModelStart(b)
	tflite.ModelAddVersion(b, t.Version)
	tflite.ModelAddOperatorCodes(b, opcodes)
	tflite.ModelAddSubgraphs(b, subgraphs)
	tflite.ModelAddDescription(b, description)
	tflite.ModelAddBuffers(b, buffers)
	tflite.ModelAddMetadataBuffer(b, metadataBuffer)
	tflite.ModelAddMetadata(b, metadata)
	tflite.ModelAddSignatureDefs(b, sigs)
	return tflite.ModelEnd(b)
}
