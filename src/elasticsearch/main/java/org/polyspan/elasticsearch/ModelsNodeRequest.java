package org.polyspan.elasticsearch;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.transport.TransportRequest;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/** The part of a {@link ModelsNodesRequest} sent to one node. */
public final class ModelsNodeRequest extends TransportRequest {
    private final ModelsNodeOperation.Call call;

    ModelsNodeRequest(ModelsNodesRequest request) {
        this.call = request.call();
    }

    public ModelsNodeRequest(StreamInput in) throws IOException {
        super(in);
        call = readCall(in);
    }

    ModelsNodeOperation.Call call() {
        return call;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        writeCall(out, call);
    }

    /** A call on the wire: the operation, then the optional model id. */
    static ModelsNodeOperation.Call readCall(StreamInput in) throws IOException {
        return new ModelsNodeOperation.Call(in.readEnum(ModelsNodeOperation.Operation.class), in.readOptionalString());
    }

    static void writeCall(StreamOutput out, ModelsNodeOperation.Call call) throws IOException {
        out.writeEnum(call.operation());
        out.writeOptionalString(call.modelId());
    }
}
