/**
 * Lifecycle steps every resource shares, written once: creating without ever
 * creating twice.
 */
import { ApiError } from "../http/apiError";

/**
 * POSTs a new object. The client never repeats a POST that may have been applied;
 * when that happens (a dropped connection, a timeout, a 5xx) the object may exist,
 * so `findCreated` looks for it by what identifies it, and it is used if found.
 * A 409 is not treated so: an object of that name that existed before belongs to
 * someone else, and is taken over only when the program says so (`adoptId`).
 */
export async function createOnce<T>(
  post: () => Promise<T>,
  findCreated: () => Promise<T | undefined>,
): Promise<T> {
  try {
    return await post();
  } catch (error) {
    if (error instanceof ApiError && error.ambiguous) {
      const found = await findCreated();
      if (found !== undefined) return found;
    }
    throw error;
  }
}
