// The few React declarations the terminal app uses. The project does not
// depend on @types/react; Ink's own declarations (read with skipLibCheck)
// resolve their React types to these.
declare module 'react' {
  export type ReactNode = ReactElement | string | number | boolean | null | undefined | Iterable<ReactNode>;
  export interface ReactElement { type: unknown; props: unknown; key: string | null }
  export type FC<P = object> = (props: P) => ReactNode;
  export type ComponentType<P = object> = FC<P>;
  export type Key = string | number;
  export function createElement<P extends object>(type: FC<P> | string, props?: (P & { key?: Key }) | null, ...children: ReactNode[]): ReactElement;
  export const Fragment: FC<{ children?: ReactNode }>;
  export function useSyncExternalStore<T>(subscribe: (onChange: () => void) => () => void, getSnapshot: () => T): T;
  const React: { createElement: typeof createElement };
  export default React;
}
