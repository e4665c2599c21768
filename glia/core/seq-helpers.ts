// Small constructors shared by the core library.
import { Stack } from 'immutable';

/** A Glia list holding these items in order. */
export function sequenceOf(items: readonly any[]): Stack<any> { return Stack(items); }
