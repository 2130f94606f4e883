package io.jsmdb.v8.heap;

/** What a tagged value is, as a JavaScript developer would classify it ({@link V8Heap#kindOf}). */
public enum JsKind {
    SMI, HEAP_NUMBER, UNDEFINED, NULL, TRUE, FALSE,
    /** V8's the_hole (a missing array element) and the other internal hole values. */
    HOLE,
    /** Another internal oddball (uninitialized, exception, ...). */
    ODDBALL,
    BIGINT, SYMBOL, STRING,
    OBJECT, ARRAY, FUNCTION, BOUND_FUNCTION, DATE, REGEXP, ERROR, MAP, SET, WEAK_MAP, WEAK_SET, PROMISE,
    ARRAY_BUFFER, TYPED_ARRAY, DATA_VIEW, PRIMITIVE_WRAPPER, PROXY, ARGUMENTS, GENERATOR, ASYNC_FUNCTION_OBJECT,
    GLOBAL_OBJECT, GLOBAL_PROXY,
    /** A heap object that is not a JavaScript value (Map, FixedArray, SharedFunctionInfo, ...). */
    INTERNAL;

    /** A JS object with properties (everything from OBJECT on, except INTERNAL). */
    public boolean isJSObject() {
        return ordinal() >= OBJECT.ordinal() && this != INTERNAL;
    }
}
