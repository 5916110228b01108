import { clsx, type ClassValue } from "clsx";

/**
 * Joins class names. Base styles are component classes (app/globals.css, components layer), so
 * a utility passed to override one wins by CSS layer order and no merging is needed.
 */
export function cn(...inputs: ClassValue[]): string {
  return clsx(inputs);
}
