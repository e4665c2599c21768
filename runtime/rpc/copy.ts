// Copies what a Cap'n Proto pointer points at from one message into
// another (a forwarded call's params into the Call we send, a forwarded
// answer's results into our Return). capnp-es's copyFrom does this, except
// for lists of structs: it copies each element's words whole, pointers
// included, then erases each destination pointer before writing it, and
// erasing follows the stale word it just copied, which points nowhere in
// the new message ("Invalid typed array length"). So a forwarded
// GliaCap.call whose args hold a string of 8 bytes or more failed, as did
// any forwarded list of structs whose pointers hold something. Structs and
// lists of structs are copied here (data words, then each pointer through
// this function again); everything else (text, data, lists of scalars or
// pointers, capabilities) goes to capnp-es.
import * as $ from 'capnp-es';

const U = $.utils;
const COMPOSITE = $.ListElementSize.COMPOSITE;

export function copyPointer(src: $.Pointer, dst: $.Pointer): void {
  if (U.isNull(src)) { U.erase(dst); return; }
  const type = U.getTargetPointerType(src);
  if (type === $.PointerType.STRUCT) return copyStruct(src, dst);
  if (type === $.PointerType.LIST && U.getTargetListElementSize(src) === COMPOSITE) return copyStructList(src, dst);
  U.copyFrom(src, dst);
}

function depth(p: $.Pointer): number {
  return (p as unknown as { _capnp: { depthLimit: number } })._capnp.depthLimit;
}

/** The data words of a struct at `from` to `to`, then each of its pointers. */
function copySections(from: $.Pointer, to: $.Pointer, dataBytes: number, pointers: number, fromDepth: number, toDepth: number): void {
  if (dataBytes > 0) to.segment.copyWords(to.byteOffset, from.segment, from.byteOffset, dataBytes >>> 3);
  for (let i = 0; i < pointers; i++) {
    const at = dataBytes + i * 8;
    copyPointer(new $.Pointer(from.segment, from.byteOffset + at, fromDepth - 1), new $.Pointer(to.segment, to.byteOffset + at, toDepth - 1));
  }
}

function copyStruct(src: $.Pointer, dst: $.Pointer): void {
  if (depth(dst) <= 0) throw new Error('capnp: pointer depth limit exceeded while copying');
  const content = U.getContent(src);
  const size = U.getTargetStructSize(src);
  const out = dst.segment.allocate(size.dataByteLength + size.pointerLength * 8);
  copySections(content, out, size.dataByteLength, size.pointerLength, depth(src), depth(dst));
  const res = U.initPointer(out.segment, out.byteOffset, dst);
  U.setStructPointer(res.offsetWords, size, res.pointer);
}

function copyStructList(src: $.Pointer, dst: $.Pointer): void {
  if (depth(dst) <= 0) throw new Error('capnp: pointer depth limit exceeded while copying');
  const content = U.getContent(src); // the first element; the tag word is just before it
  const length = U.getTargetListLength(src);
  const size = U.getTargetCompositeListSize(src);
  const stride = size.dataByteLength + size.pointerLength * 8;
  const out = dst.segment.allocate(stride * length + 8);
  out.segment.copyWord(out.byteOffset, content.segment, content.byteOffset - 8);
  for (let i = 0; i < length; i++) {
    copySections(
      new $.Pointer(content.segment, content.byteOffset + i * stride, depth(src)),
      new $.Pointer(out.segment, out.byteOffset + 8 + i * stride, depth(dst)),
      size.dataByteLength, size.pointerLength, depth(src), depth(dst));
  }
  const res = U.initPointer(out.segment, out.byteOffset, dst);
  U.setListPointer(res.offsetWords, COMPOSITE, length, res.pointer, size);
}
