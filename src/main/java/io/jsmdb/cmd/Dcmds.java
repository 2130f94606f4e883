package io.jsmdb.cmd;

import java.util.List;

/** The one place where every dcmd of jsmdb is listed. */
public final class Dcmds {
    private Dcmds() {}

    /** New instances of every dcmd, for one session. */
    public static List<Dcmd> all() {
        return List.of(
                // built-ins
                new HelpDcmd(),
                new DcmdsDcmd(),
                new QuitDcmd()

                // ---- target dcmds: add them here, one line each (order does not matter) ----
                , new StatusDcmd()
                , new MappingsDcmd()
                , new ThreadsDcmd()
                , new RegsDcmd(), new FpRegsDcmd()
                , new V8MetadataDcmd()
                , new DumpDcmd()
                , new FindjsobjectsDcmd()
                , new JsRetainersDcmd()
                , new JsfunctionsDcmd()
                , new JsPrintDcmd(), new JsConstructorDcmd(), new JsClosureDcmd(), new V8TypeDcmd(), new V8PrintDcmd(), new NodeBufferDcmd()
                , new JsStackDcmd(), new JsFrameDcmd(), new JsSourceDcmd(), new JsExceptionDcmd(), new NodeInfoDcmd(), new IsolatesDcmd(), new IsolateDcmd(), new NodeHandlesDcmd(), new NodeRequestsDcmd()
                , new HeapSnapshotDcmd()
        );
    }
}
